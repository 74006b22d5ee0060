"""The command lines of the programs the app starts as child processes, in one place.

Never a script on PATH: this interpreter with the program's module, or, in the PyInstaller
bundle (`sys.frozen`), the bundle's one executable with the program's name as first argument
(packaging/bundle_entry.py dispatches on it).
"""

from __future__ import annotations

import sys
from typing import Literal

__all__ = ["Program", "program_command"]

Program = Literal["agent", "coordinator"]

_MODULES: dict[Program, str] = {
    "agent": "shuttersense.desktop.cli.main",
    "coordinator": "shuttersense.coordinator",
}


def program_command(program: Program, *args: str) -> list[str]:
    """`program` (the agent's or the coordinator's command line program) with `args`."""
    if getattr(sys, "frozen", False):
        return [sys.executable, program, *args]
    return [sys.executable, "-m", _MODULES[program], *args]
