"""How large an analysis document's results are: raw (the compact JSON an agent makes), gzipped
(what travels to the coordinator) and stored (what the coordinator's results column holds:
packed when over 256 KiB). docs/performance.md records these for the benchmark profiles.

    shuttersense analyze PHOTOS --pipeline pipeline.yaml --json doc.json --quiet
    python -m benchmarks.result_sizes doc.json [more.json …]
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

from shuttersense.coordinator.models.packed_json import pack

__all__ = ["Sizes", "main", "sizes"]

Sizes = tuple[int, int, int]  # raw, gzipped, stored bytes


def _compact(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _measure(value: Any) -> Sizes:
    raw = _compact(value)
    return len(raw), len(gzip.compress(raw, compresslevel=6, mtime=0)), len(_compact(pack(value)))


def sizes(document: dict[str, Any]) -> dict[str, Sizes]:
    """Raw, gzipped and stored bytes of each tool's result, and of the whole document."""
    measured = {tool: _measure(result) for tool, result in document["results"].items()}
    measured["document"] = _measure(document)
    return measured


def main(argv: list[str]) -> int:
    """One Markdown table row per document and result."""
    print("| document | result | raw | gzipped | stored |")
    print("|---|---|---:|---:|---:|")
    for name in argv:
        document = json.loads(Path(name).read_text(encoding="utf-8"))
        for part, (raw, packed, stored) in sizes(document).items():
            print(f"| {Path(name).stem} | {part} | {raw:,} | {packed:,} | {stored:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
