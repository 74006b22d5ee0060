"""Checks that a change to the engine leaves `analyze --json` byte for byte as it was.

    python -m benchmarks.same_output save  DIR OUT    # record each profile's document in OUT
    python -m benchmarks.same_output check DIR OUT    # compare with what was recorded

DIR holds one tree per profile, as `benchmarks.collection DIR --profile all` writes them
(`DIR/<profile>/photos` and `DIR/<profile>/pipeline.yaml`). Every profile found there is analysed
with all three tools by the `shuttersense` command beside this Python. The documents are compared
as bytes with only the run's timings (`scan_time`) and `generated_at` blanked, so anything else
that moves, even the order of keys or of names, shows. Exit 0 when every document is the same,
1 when one differs (its first differing bytes are printed), 2 when nothing was recorded for a
profile.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from .profiles import PROFILES
from .run import ALL_TOOLS, _shuttersense

__all__ = ["analyze_json", "first_difference", "main", "normalised"]

_VOLATILE = re.compile(rb'("scan_time":)[0-9.eE+-]+|("generated_at":)"[^"]*"')


def normalised(document: bytes) -> bytes:
    """The document with every `scan_time` and `generated_at` value blanked."""
    return _VOLATILE.sub(lambda m: (m.group(1) or m.group(2)) + b"_", document)


def first_difference(old: bytes, new: bytes, context: int = 80) -> str | None:
    """None when equal, else where they part and a little of each from there."""
    if old == new:
        return None
    at = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), None)
    at = min(len(old), len(new)) if at is None else at
    start = max(0, at - context)
    return (
        f"byte {at} (sizes {len(old)} and {len(new)}):\n"
        f"  recorded: {old[start : at + context]!r}\n  now:      {new[start : at + context]!r}"
    )


def analyze_json(tree: Path) -> bytes:
    """The normalised `--json` document of one profile's tree."""
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "analysis.json"
        subprocess.run(
            [
                *_shuttersense(),
                "analyze",
                str(tree / "photos"),
                "--tools",
                ALL_TOOLS,
                "--pipeline",
                str(tree / "pipeline.yaml"),
                "--json",
                str(out),
                "--quiet",
            ],
            check=True,
        )
        return normalised(out.read_bytes())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.same_output", description=__doc__)
    parser.add_argument("action", choices=("save", "check"))
    parser.add_argument("dir", type=Path, help="the folder holding DIR/<profile>/photos")
    parser.add_argument("out", type=Path, help="where the recorded documents are kept")
    args = parser.parse_args(argv)
    trees = [args.dir / name for name in PROFILES if (args.dir / name / "photos").is_dir()]
    if not trees:
        parser.error(f"no profile's tree in {args.dir}; make them with benchmarks.collection")
    args.out.mkdir(parents=True, exist_ok=True)
    status = 0
    for tree in trees:
        recorded = args.out / f"{tree.name}.json"
        document = analyze_json(tree)
        if args.action == "save":
            recorded.write_bytes(document)
            print(f"{tree.name}: recorded ({len(document):,} bytes)")
            continue
        if not recorded.is_file():
            print(f"{tree.name}: nothing recorded in {args.out}; run `save` first")
            status = max(status, 2)
            continue
        difference = first_difference(recorded.read_bytes(), document)
        print(f"{tree.name}: " + ("same" if difference is None else f"DIFFERS at {difference}"))
        if difference is not None:
            status = max(status, 1)
    return status


if __name__ == "__main__":
    sys.exit(main())
