"""`self-test`: each thing the agent depends on, checked, with what to do when it fails."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

from .context import AGENT_KEY, AgentContext
from .errors import AgentError, AuthRefused, CoordinatorCallFailed

__all__ = ["Check", "self_test"]


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _registration(context: AgentContext) -> Iterator[Check]:
    identity = context.config.identity
    if identity is None:
        yield Check("registered", False, "not registered: run `shuttersense-agent register`")
        return
    yield Check("registered", True, f"{identity.agent_guid} on {identity.server_url}")
    try:
        key = context.keys.get(AGENT_KEY)
    except AgentError as exc:
        yield Check("agent key", False, str(exc))
        return
    if not key:
        yield Check("agent key", False, "no agent key stored: register again")
        return
    try:
        with context.client() as client:
            client.pool_status()
    except AuthRefused as exc:
        yield Check("server", True, f"{identity.server_url} answers")
        yield Check("agent key", False, f"{exc.detail}: register again with a new token")
    except CoordinatorCallFailed as exc:
        yield Check("server", False, str(exc))
    else:
        yield Check("server", True, f"{identity.server_url} answers")
        yield Check("agent key", True, "accepted")


def _key_store(context: AgentContext) -> Check:
    try:
        store = context.keys
    except AgentError as exc:
        return Check("keyring", False, str(exc))
    if store.is_os_keyring:
        return Check("keyring", True, store.description)
    return Check("keyring", True, f"fallback: {store.description}")


def _roots(context: AgentContext) -> Iterator[Check]:
    roots = context.roots().all
    if not roots:
        yield Check("roots", False, "no authorized roots: `shuttersense-agent roots add PATH`")
    for root in roots:
        readable = root.is_dir() and os.access(root, os.R_OK | os.X_OK)
        detail = "readable" if readable else "missing or not readable by this user"
        yield Check(f"root {root}", readable, detail)


def _data_folder(context: AgentContext) -> Check:
    folder = context.dirs.data
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return Check("data folder", False, f"{folder} is not writable ({exc.strerror or exc})")
    return Check("data folder", True, f"{folder} writable")


def self_test(context: AgentContext) -> list[Check]:
    """Every check, in the order a user would fix them."""
    return [
        *_registration(context),
        _key_store(context),
        *_roots(context),
        _data_folder(context),
    ]
