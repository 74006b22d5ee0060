"""The floor: the least any local scan must do, to compare `shuttersense analyze` against.

    python -m benchmarks.floor DIR

A bare `os.scandir` walk with an explicit stack that stats every regular file (no sorting, no
records, no symlink following) and sums the sizes. Prints one JSON line:
`{"files": N, "bytes": B, "seconds": S}`.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time

__all__ = ["walk"]


def walk(root: str) -> tuple[int, int]:
    """Count the regular files under `root` and sum their sizes; unreadable folders are skipped."""
    files = 0
    total = 0
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                for entry in it:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                        continue
                    info = entry.stat(follow_symlinks=False)
                    if stat.S_ISREG(info.st_mode):
                        files += 1
                        total += info.st_size
        except OSError:
            continue
    return files, total


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m benchmarks.floor DIR", file=sys.stderr)
        return 2
    started = time.perf_counter()
    files, total = walk(args[0])
    seconds = time.perf_counter() - started
    print(json.dumps({"files": files, "bytes": total, "seconds": round(seconds, 4)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
