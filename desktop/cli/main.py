"""`shuttersense-agent`: register, authorize folders, and run jobs for a coordinator."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from shuttersense.common import __version__
from shuttersense.common.errors import ShutterSenseError

from ..agent.context import AgentContext
from ..agent.errors import AgentError
from . import setup_commands, work_commands

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shuttersense-agent",
        description="The ShutterSense agent: runs analyses on this machine for a coordinator. "
        "Photos never leave the machine; only results are uploaded.",
    )
    parser.add_argument("--version", action="version", version=f"shuttersense-agent {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    setup_commands.add_parsers(commands)
    work_commands.add_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None, context: AgentContext | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args, context or AgentContext.default()))
    except (AgentError, ShutterSenseError) as exc:
        print(f"shuttersense-agent: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("shuttersense-agent: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
