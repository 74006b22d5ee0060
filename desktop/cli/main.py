"""`shuttersense-agent`: register, authorize folders, and run jobs for a coordinator."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from shuttersense.common import __version__
from shuttersense.common.errors import ShutterSenseError

from ..agent.context import AgentContext
from ..agent.errors import AgentError, AuthRefused, NotRegistered
from . import setup_commands, work_commands

__all__ = ["NOT_REGISTERED", "build_parser", "main"]

NOT_REGISTERED = 4  # exit status: no registration here, or the coordinator refused its key


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
    except (NotRegistered, AuthRefused) as exc:
        print(f"shuttersense-agent: error: {exc}", file=sys.stderr)
        # The desktop app offers to register again; `register` itself was refused its token.
        return 2 if args.command == "register" else NOT_REGISTERED
    except (AgentError, ShutterSenseError) as exc:
        print(f"shuttersense-agent: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("shuttersense-agent: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
