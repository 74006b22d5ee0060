"""`shuttersense`: analyse a folder without any server, or try the demo collection."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with collector_paused():  # also while the results are written out
            return int(args.run(args))
    except ShutterSenseError as exc:
        print(f"shuttersense: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("shuttersense: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
