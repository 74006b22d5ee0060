"""`shuttersense`: analyse a folder without any server, or try the demo collection."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from .. import __version__
from ..collector import collector_paused
from ..errors import ShutterSenseError
from . import analyze, demo

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shuttersense",
        description="Audit a photo collection where it lives: PhotoStats, Photo Pairing and "
        "Pipeline Validation, with a self-contained HTML report.",
    )
    parser.add_argument("--version", action="version", version=f"shuttersense {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    analyze.add_parser(commands)
    demo.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None, keep: list[object] | None = None) -> int:
    """Run a command. Commands park their large results in `keep`: the caller decides when
    they are freed (never, for the installed command: see `console`)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.keep = [] if keep is None else keep
    try:
        with collector_paused():  # also while the results are written out
            return int(args.run(args))
    except ShutterSenseError as exc:
        print(f"shuttersense: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("shuttersense: interrupted", file=sys.stderr)
        return 130


def console() -> NoReturn:
    """The installed `shuttersense` command. A million-file analysis leaves millions of objects
    that Python would free one by one on the way out (half a second); the process ends without
    that, its output flushed, and the system takes the memory back at once."""
    kept: list[object] = []
    code = main(keep=kept)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    console()
