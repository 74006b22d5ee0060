"""Enrolling this machine with a coordinator: one-time token in, identity and key stored.

The token works once, so the key store is tried (a throwaway entry written, read and deleted)
before the token is sent; and a store that still fails once the coordinator has answered does
not lose the key: it goes into the encrypted file instead, and the config remembers that.
"""

from __future__ import annotations

import logging
import platform
import socket
from dataclasses import dataclass

from pydantic import ValidationError

from shuttersense.common import __version__
from shuttersense.common.agent_protocol import RegisterRequest
from shuttersense.common.results import ToolName

from .agent_config import Identity
from .client import CoordinatorClient
from .context import AGENT_KEY, AgentContext
from .credentials import KEYRING_FAILED, FileKeyStore, KeyStore, probe
from .errors import AgentError, CredentialError

__all__ = ["CAPABILITIES", "Registration", "register"]

log = logging.getLogger(__name__)

CAPABILITIES = tuple(f"tool:{tool.value}" for tool in ToolName)


@dataclass(frozen=True)
class Registration:
    identity: Identity
    keys: KeyStore  # where the agent key now is
    fallback_reason: str | None = None  # why it is not in the store first chosen


def _checked_store(context: AgentContext) -> KeyStore:
    """The key store, known to keep a secret; CredentialError (nothing sent) otherwise."""
    try:
        store = context.keys
        probe(store)
    except CredentialError as exc:
        raise CredentialError(
            "the agent key could not be kept, so nothing was sent and the registration token "
            f"is still valid: {exc}; then run `register` again"
        ) from None
    return store


def _keep_key(context: AgentContext, store: KeyStore, identity: Identity, key: str) -> Registration:
    try:
        store.set(AGENT_KEY, key)
    except CredentialError as exc:
        fallback = FileKeyStore(context.dirs.config, KEYRING_FAILED)
        try:
            fallback.set(AGENT_KEY, key)
        except CredentialError as second:
            raise CredentialError(
                f"registered as {identity.agent_guid}, but its key could not be kept ({exc}; "
                f"{second}): ask an admin to revoke agent {identity.agent_guid}, then register "
                "again with a new token"
            ) from None
        context.keys = fallback  # every later secret of this process goes there too
        context.save(context.config.with_identity(identity, key_store="file"))
        return Registration(identity, fallback, str(exc))
    # A store that is the file an earlier fallback chose stays chosen: the key is there now.
    kept = (
        "file" if isinstance(store, FileKeyStore) and context.config.key_store == "file" else None
    )
    context.save(context.config.with_identity(identity, key_store=kept))
    return Registration(identity, store)


def register(context: AgentContext, server_url: str, token: str, name: str) -> Registration:
    """Register; the key goes to the key store (or its file fallback), the rest to the config."""
    try:
        body = RegisterRequest(
            registration_token=token,
            name=name,
            hostname=socket.gethostname()[:255],
            platform=f"{platform.system()} {platform.machine()}"[:100],
            version=__version__,
            capabilities=list(CAPABILITIES),
            authorized_roots=context.roots().reported(),
        )
    except ValidationError as exc:  # e.g. a name of 300 characters: nothing was sent
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise AgentError(f"cannot register with these values ({problems})") from None
    try:
        client = CoordinatorClient(server_url, transport=context.transport)
    except ValueError as exc:  # not an http(s) URL: tell the user, no traceback
        raise AgentError(str(exc)) from None
    store = _checked_store(context)
    before = context.config.identity
    with client:
        answer = client.register(body)
        identity = Identity(
            server_url=client.server_url,
            agent_guid=answer.agent_guid,
            team_guid=answer.team_guid,
            name=name,
            heartbeat_interval=answer.heartbeat_interval,
            poll_interval=answer.poll_interval,
        )
    registration = _keep_key(context, store, identity, answer.agent_key)
    if before is not None and (
        before.server_url != identity.server_url or before.agent_guid != identity.agent_guid
    ):  # a new agent cannot finish the old one's jobs, even on the same coordinator
        moved = context.store.move_to_new_coordinator()
        log.info("%d kept result(s) will go to %s", moved, identity.server_url)
    return registration
