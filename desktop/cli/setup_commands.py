"""Commands that set the agent up and look at it: register, roots, self-test, status."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..agent.context import AgentContext
from ..agent.registration import register
from ..agent.roots import ENV_ROOTS
from ..agent.runtime_state import read_state
from ..agent.self_test import self_test

__all__ = ["add_parsers"]


def _register(args: argparse.Namespace, context: AgentContext) -> int:
    previous = context.config.identity
    done = register(context, args.server, args.token, args.name)
    identity = done.identity
    if previous is not None:
        print(f"replaced the earlier registration {previous.agent_guid} on {previous.server_url}")
    print(f"registered {identity.name!r} as {identity.agent_guid} on {identity.server_url}")
    if done.fallback_reason:
        print(
            f"shuttersense-agent: warning: the agent key could not be stored where intended "
            f"({done.fallback_reason}); it is kept in the encrypted file instead, and the agent "
            "uses that file from now on",
            file=sys.stderr,
        )
    print(f"agent key kept in: {done.keys.description}")
    if not context.roots().all:
        print("next: authorize a folder with `shuttersense-agent roots add PATH`")
    return 0


def _roots(args: argparse.Namespace, context: AgentContext) -> int:
    config = context.config
    if args.action == "list":
        roots = context.roots()
        for root in roots.configured:
            print(root)
        for root in roots.from_env:
            print(f"{root}  (from {ENV_ROOTS})")
        if not roots.all:
            print("no authorized roots; add one with `shuttersense-agent roots add PATH`")
        return 0
    path = str(Path(args.path).expanduser().resolve())
    if args.action == "add":
        if not Path(path).is_dir():
            print(f"shuttersense-agent: error: {path} is not a folder", file=sys.stderr)
            return 2
        context.save(config.with_roots(tuple(dict.fromkeys((*config.roots, path)))))
        print(f"authorized {path}")
        return 0
    if path not in config.roots:
        print(
            f"shuttersense-agent: error: {path} is not an authorized root (see `roots list`)",
            file=sys.stderr,
        )
        return 2
    context.save(config.with_roots(tuple(root for root in config.roots if root != path)))
    print(f"removed {path}")
    return 0


def _self_test(args: argparse.Namespace, context: AgentContext) -> int:
    checks = self_test(context)
    for check in checks:
        print(f"{'OK  ' if check.ok else 'FAIL'}  {check.name}: {check.detail}")
    return 0 if all(check.ok for check in checks) else 1


def _status(args: argparse.Namespace, context: AgentContext) -> int:
    identity = context.config.identity
    state: dict[str, Any] = read_state(context.dirs.data)
    if identity is None:
        print("not registered: run `shuttersense-agent register`")
    else:
        print(f"server:       {identity.server_url}")
        print(f"agent:        {identity.name} ({identity.agent_guid})")
        print(f"agent key:    {context.keys.description}")
    if not state.get("running"):
        print("state:        stopped (start it with `shuttersense-agent start`)")
    else:
        online = "online" if state.get("online") else "offline (coordinator unreachable)"
        print(f"state:        running, {online}")
        print(f"current job:  {state.get('current_job') or 'none'}")
        if state.get("error"):
            print(f"error:        {state['error']}")
    counts = context.store.counts()
    print(f"kept results: {counts['pending']} waiting for upload", end="")
    print(f", {counts['rejected']} refused by the coordinator" if counts["rejected"] else "")
    return 0


def add_parsers(commands: Any) -> None:
    reg = commands.add_parser("register", help="register this machine with a coordinator")
    reg.add_argument("--server", required=True, help="coordinator URL, e.g. https://ss.example")
    reg.add_argument("--token", required=True, help="one-time registration token (art_…)")
    reg.add_argument("--name", required=True, help="a name for this agent")
    reg.set_defaults(run=_register)

    roots = commands.add_parser("roots", help="the folders this agent may read")
    actions = roots.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="list the authorized roots").set_defaults(run=_roots)
    for action, text in (("add", "authorize a folder"), ("remove", "stop authorizing one")):
        sub = actions.add_parser(action, help=text)
        sub.add_argument("path")
        sub.set_defaults(run=_roots)

    commands.add_parser("self-test", help="check server, key, keyring, roots").set_defaults(
        run=_self_test
    )
    commands.add_parser(
        "status", help="registration, state, current job, kept results"
    ).set_defaults(run=_status)
