"""Where `shuttersense analyze` spends its time and memory, phase by phase.

    python -m benchmarks.phases [--gc on|off] -- analyze DIR/photos --pipeline DIR/pipeline.yaml \
        --json /tmp/out.json --quiet

Runs the CLI in this process with the main steps of `shuttersense.common.analysis` and
`shuttersense.common.cli.analyze` wrapped in timers: the scan, each tool, the input-state hash, the
JSON and the report. After each step it notes the peak RSS so far. Steps that do not exist (the code
moves on) are skipped. `--gc off` disables the cyclic garbage collector, to show what it costs.
A diagnostic, not a benchmark: use benchmarks.run for the figures.
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

__all__ = ["main"]

# (module, function, label); wrapped where they are looked up at call time.
PHASES = (
    ("shuttersense.common.cli.analyze", "load_pipeline", "load pipeline"),
    ("shuttersense.common.analysis", "scan_collection", "scan"),
    ("shuttersense.common.analysis", "Catalog", "catalog"),
    ("shuttersense.common.analysis", "photostats", "photostats"),
    ("shuttersense.common.analysis", "group_photos", "grouping"),
    ("shuttersense.common.analysis", "photo_pairing", "photo pairing"),
    ("shuttersense.common.analysis", "enumerate_paths", "enumerate paths"),
    ("shuttersense.common.analysis", "validate_collection", "pipeline validation"),
    ("shuttersense.common.analysis", "file_list_hash", "input-state hash"),
    ("shuttersense.common.cli.analyze", "write_report", "write report"),
    ("shuttersense.common.cli.analyze", "write_json", "write JSON"),
)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _wrap(fn: Callable[..., Any], label: str, seconds: dict[str, float], peaks: dict[str, float]):
    @functools.wraps(fn)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            seconds[label] = seconds.get(label, 0.0) + time.perf_counter() - started
            peaks[label] = _peak_mb()

    return timed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.phases", description=__doc__)
    parser.add_argument("--gc", choices=("on", "off"), default="on", help="cyclic GC (on)")
    parser.add_argument("cli", nargs=argparse.REMAINDER, help="-- analyze PATH [options]")
    args = parser.parse_args(argv)
    cli_args = args.cli[1:] if args.cli[:1] == ["--"] else args.cli
    if not cli_args:
        parser.error("give the shuttersense arguments after --, e.g. -- analyze DIR --quiet")

    started = time.perf_counter()
    cli = importlib.import_module("shuttersense.common.cli.main")
    seconds: dict[str, float] = {"import": time.perf_counter() - started}
    peaks: dict[str, float] = {"import": _peak_mb()}
    for module_name, name, label in PHASES:
        module = importlib.import_module(module_name)
        fn = getattr(module, name, None)
        if not callable(fn):  # a renamed phase would otherwise vanish into "other"
            raise SystemExit(f"benchmarks.phases: {module_name}.{name} is gone; update PHASES")
        setattr(module, name, _wrap(fn, label, seconds, peaks))
    if args.gc == "off":
        gc.disable()

    started = time.perf_counter()
    try:
        code = cli.main(cli_args)
    except SystemExit as exc:
        code = exc.code
    total = time.perf_counter() - started
    accounted = sum(value for key, value in seconds.items() if key != "import")
    print(f"{'phase':<22}{'seconds':>9}{'peak RSS MB':>13}")
    for label, value in seconds.items():
        print(f"{label:<22}{value:>9.3f}{peaks.get(label, 0.0):>13.1f}")
    print(f"{'other':<22}{total - accounted:>9.3f}")
    print(f"{'total (after import)':<22}{total:>9.3f}{_peak_mb():>13.1f}")
    print(f"gc {args.gc}: collections per generation {[s['collections'] for s in gc.get_stats()]}")
    return int(code or 0)


if __name__ == "__main__":
    sys.exit(main())
