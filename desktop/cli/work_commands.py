"""Commands that do the work: start, run, sync, test, collections."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import IO, Any

from shuttersense.common.analysis_request import parse_tools
from shuttersense.common.cli.progress_bar import TerminalProgress
from shuttersense.common.listing import scan_collection

from ..agent.context import AgentContext
from ..agent.errors import AgentError
from ..agent.local_collections import collection_for_path
from ..agent.local_runs import run_locally
from ..agent.locations import AgentDirs
from ..agent.logs import configure_logging
from ..agent.private_files import held_if_free
from ..agent.registration import CAPABILITIES
from ..agent.runner import AgentRunner, RunnerSettings
from ..agent.runtime_state import RuntimeState
from ..agent.sync import SyncReport, sync_pending

__all__ = ["add_parsers"]

log = logging.getLogger("shuttersense.desktop.agent")


# Under the desktop app, the agent a killed app left behind may still be handing its job back.
_CONTROLLED_LOCK_WAIT = 30.0
_APP_AGENT_NICENESS = 10


def _start(args: argparse.Namespace, context: AgentContext) -> int:
    if args.dirs:
        context = AgentContext(AgentDirs(*(Path(folder) for folder in args.dirs)))
    # One running agent per registration: each names only the jobs it holds in its heartbeats,
    # so two would have the coordinator take each other's jobs back.
    deadline = time.monotonic() + (_CONTROLLED_LOCK_WAIT if args.control_stdin else 0.0)
    while True:
        with held_if_free(context.dirs.data / "start.lock") as alone:
            if alone:
                return _work(args, context)
        if time.monotonic() >= deadline:
            raise AgentError(
                "this agent is running already (`shuttersense-agent status` shows it): stop it "
                "before starting it again"
            )
        time.sleep(0.5)


def _obey(runner: AgentRunner, commands: IO[str]) -> None:
    """The desktop app's commands, one a line; the end of the stream (the app quit or was
    killed) stops the agent as `stop` does: a running job is handed back."""
    for line in commands:
        command = line.strip()
        if command == "stop":
            break
        if command == "pause":
            runner.pause()
        elif command == "resume":
            runner.resume()
        elif command:
            log.warning("unknown command from the app: %r", command[:50])
    runner.stop()


def _work(args: argparse.Namespace, context: AgentContext) -> int:
    if args.control_stdin and hasattr(os, "nice"):
        # The desktop app's agent gives way to the app's window and the user's programs: a
        # million-file analysis uses what CPU is left, the window never waits for it.
        os.nice(_APP_AGENT_NICENESS)
    identity = context.identity()
    connect = context.connector()
    # Under the app, the app writes the log file: this process tells it everything on stderr.
    log_file = configure_logging(None if args.control_stdin else context.dirs.logs, args.log_level)
    runner = AgentRunner(
        connect,
        context.store,
        context.roots,
        RuntimeState(context.dirs.data),
        RunnerSettings(
            heartbeat_interval=identity.heartbeat_interval,
            poll_wait=min(identity.poll_interval, 30),
            capabilities=CAPABILITIES,
        ),
    )

    def on_signal(number: int, frame: FrameType | None) -> None:
        log.info("%s received: stopping", signal.Signals(number).name)
        runner.stop()  # cuts the claim's long poll short too

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log.info(
        "agent %s started for %s (logs: %s)",
        identity.name,
        identity.server_url,
        log_file or "the desktop app's",
    )
    roots = context.roots().all
    if not roots:
        log.warning("no authorized roots: every job will be refused (`roots add PATH`)")
    if args.control_stdin:
        threading.Thread(target=_obey, args=(runner, sys.stdin), daemon=True).start()
    runner.run()
    if runner.failure is not None:
        raise runner.failure
    log.info("agent stopped")
    return 0


def _progress() -> TerminalProgress:
    return TerminalProgress(sys.stderr, enabled=sys.stderr.isatty())


def _print_sync(report: SyncReport | None) -> None:
    if report is None:
        return
    print(f"uploaded {report.sent} result(s)")
    if report.dropped:
        print(f"dropped {report.dropped} result(s) of jobs that ran again elsewhere")
    if report.rejected:
        print(f"{report.rejected} result(s) refused by the coordinator (see `status`)")
    if report.unreachable:
        print(f"{report.remaining} result(s) kept for `sync`: {report.unreachable}")


def _run(args: argparse.Namespace, context: AgentContext) -> int:
    tools = parse_tools(args.tools) if args.tools is not None else None
    progress = _progress()
    try:
        done = run_locally(context, args.target, tools, offline=args.offline, progress=progress)
    finally:
        progress.close()
    summary = done.document.collection
    print(f"analysed {summary.path}: {summary.total_files:,} files")
    for tool in done.document.results:
        print(f"  {tool}: done")
    for tool, reason in done.document.skipped.items():
        print(f"  {tool}: skipped ({reason})")
    if done.sync is None:
        print("kept offline; upload with `shuttersense-agent sync`")
    _print_sync(done.sync)
    return 0 if done.sync is None or not done.sync.unreachable else 3


def _sync(args: argparse.Namespace, context: AgentContext) -> int:
    with context.client() as client:
        report = sync_pending(client, context.store)
    _print_sync(report)
    return 3 if report.unreachable else 0


def _test(args: argparse.Namespace, context: AgentContext) -> int:
    root = context.roots().authorize(args.path)
    progress = _progress()
    try:
        listing = scan_collection(root, progress)
    finally:
        progress.close()
    size = sum(entry.size for entry in listing.entries)
    print(f"OK  {root}: readable and authorized, {len(listing.entries):,} files, {size:,} bytes")
    for issue in listing.issues[:20]:
        print(f"  note: {issue.path}: {issue.reason}")
    return 0


def _collections(args: argparse.Namespace, context: AgentContext) -> int:
    with context.client() as client:
        if args.action == "list":
            for collection in client.collections():
                print(f"{collection['guid']}  {collection['name']}  {collection['root_path']}")
            return 0
        root = context.roots().authorize(args.path)
        made = collection_for_path(client, str(root), args.name)
    print(f"{made['guid']}  {made['name']}  {made['root_path']}")
    return 0


def add_parsers(commands: Any) -> None:
    start = commands.add_parser("start", help="run jobs for the coordinator until stopped")
    start.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING"))
    # For the desktop app, which runs the agent as its child: commands on stdin, logs on
    # stderr, and the app's own folders.
    start.add_argument("--control-stdin", action="store_true", help=argparse.SUPPRESS)
    start.add_argument("--dirs", nargs=3, metavar="DIR", help=argparse.SUPPRESS)
    start.set_defaults(run=_start)

    run = commands.add_parser("run", help="analyse a collection or folder now and upload")
    run.add_argument("target", metavar="COLLECTION|PATH")
    run.add_argument("--tools", help="photostats,photo_pairing,pipeline_validation")
    run.add_argument("--offline", action="store_true", help="keep the result for `sync`")
    run.set_defaults(run=_run)

    commands.add_parser("sync", help="upload results kept offline").set_defaults(run=_sync)

    test = commands.add_parser("test", help="check a folder is readable and authorized")
    test.add_argument("path")
    test.set_defaults(run=_test)

    collections = commands.add_parser("collections", help="collections bound to this agent")
    actions = collections.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="list them").set_defaults(run=_collections)
    create = actions.add_parser("create", help="make one for an authorized folder")
    create.add_argument("path")
    create.add_argument("--name", required=True)
    create.set_defaults(run=_collections)
