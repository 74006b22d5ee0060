"""The one executable of the PyInstaller bundle: `shuttersense`, which is the desktop app, the
headless agent and the coordinator.

It runs the program it was called as (`shuttersense-desktop`, `shuttersense-agent` and
`shuttersense-coordinator` are links to it), else the one named by its first argument
(`desktop`, `agent` or `coordinator`, removed before that program reads its arguments), else the
desktop app. Solo mode starts its coordinator as `[sys.executable, "coordinator", "serve", ...]`.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
from collections.abc import Sequence

__all__ = ["PROGRAMS", "choose", "main"]

# program name -> the module whose `main(argv=None) -> int` runs it
PROGRAMS = {
    "desktop": "shuttersense.desktop.app.main",
    "agent": "shuttersense.desktop.cli.main",
    "coordinator": "shuttersense.coordinator.cli",
}
DEFAULT = "desktop"


def choose(argv: Sequence[str]) -> tuple[str, list[str]]:
    """The program to run and the arguments it gets, from the command line as called."""
    called = os.path.basename(argv[0]) if argv else ""
    called = called.removesuffix(".exe").removeprefix("shuttersense-")
    if called in PROGRAMS:
        return called, list(argv[1:])
    if len(argv) > 1 and argv[1] in PROGRAMS:
        return argv[1], list(argv[2:])
    return DEFAULT, list(argv[1:])


def main() -> int:
    # The coordinator's `serve --workers N` spawns its workers from this same executable.
    multiprocessing.freeze_support()
    # Nothing is written into the installed folder (Alembic imports the migrations as files).
    sys.dont_write_bytecode = True
    program, arguments = choose(sys.argv)
    sys.argv = [f"shuttersense-{program}", *arguments]
    return int(importlib.import_module(PROGRAMS[program]).main())


if __name__ == "__main__":
    sys.exit(main())
