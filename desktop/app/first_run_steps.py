"""The steps of the first-run window, without Qt: each runs on a worker thread.

Team mode: check the server, sign in (an API token for this app is made with the session the
sign-in gives, then that session ends), get a registration token (admins) or take a pasted
one, register this machine through the agent's own registration, then authorize folders: each
becomes an authorized root of the agent and a collection bound to it. Solo mode is a seam
(`SoloMode`) that the embedded coordinator implements.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx

from shuttersense.desktop.agent.agent_config import Identity
from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.agent.errors import AgentError
from shuttersense.desktop.agent.local_collections import collection_for_path
from shuttersense.desktop.agent.registration import register

from .api import ApiError, Invalid, SignInRequired, UserApiClient
from .api.models import User
from .api.session import USER_TOKEN

__all__ = [
    "TOKEN_PREFIX",
    "SignedIn",
    "SoloMode",
    "authorize_folder",
    "check_server",
    "collections_again",
    "keep_sign_in",
    "move_collections",
    "register_machine",
    "registration_token",
    "revoke_sign_in",
    "sign_in",
]

log = logging.getLogger(__name__)

TOKEN_PREFIX = "art_"  # noqa: S105 (what registration tokens start with)


@dataclass(frozen=True)
class SignedIn:
    server_url: str
    user: User
    token: str = ""  # the app's API token: for the key store only, never shown or logged
    token_guid: str = ""

    def __repr__(self) -> str:
        return f"SignedIn({self.server_url!r}, {self.user.email!r}, token_guid={self.token_guid!r})"


class SoloMode(Protocol):
    """Solo mode, implemented with the embedded coordinator: start it, create the local user,
    register this machine; the app then goes on as after a team sign-in."""

    def set_up(self, context: AgentContext) -> SignedIn: ...


def check_server(url: str, transport: httpx.BaseTransport | None = None) -> str:
    """The normalised URL of a healthy coordinator; ApiError saying what is wrong otherwise."""
    with UserApiClient(url, transport=transport) as client:
        client.health()
        return client.server_url


def _token_name() -> str:
    return f"ShutterSense desktop on {socket.gethostname()}"[:100]


def sign_in(
    url: str, email: str, password: str, transport: httpx.BaseTransport | None = None
) -> SignedIn:
    """Sign in with e-mail and password and make this app's API token."""
    if not email.strip() or not password:
        raise Invalid(400, "empty", "enter your e-mail address and your password")
    with UserApiClient(url, transport=transport) as client:
        user = client.login(email.strip(), password)
        try:
            created = client.create_token(_token_name())
        except SignInRequired:
            raise SignInRequired(
                401,
                "cookie",
                f"{client.server_url} accepted the password but not the session that came with "
                "it; if the server only allows HTTPS sessions, use its https:// address",
            ) from None
        finally:
            try:
                client.logout()  # the app goes on with its token; the session is not needed
            except ApiError as exc:
                log.info("ending the sign-in session failed: %s", exc)
    log.info("signed in to %s as %s", client.server_url, user.email)
    return SignedIn(client.server_url, user, created.token, created.guid)


def keep_sign_in(context: AgentContext, signed_in: SignedIn) -> None:
    """The API token into the key store (the OS keyring, or its reported fallback)."""
    context.keys.set(USER_TOKEN, signed_in.token)


def revoke_sign_in(signed_in: SignedIn) -> str:
    """Revoke the app's token of a sign-in not kept (a cancelled switch); what became of it."""
    try:
        with UserApiClient(signed_in.server_url, signed_in.token) as client:
            client.revoke_token(signed_in.token_guid)
    except ApiError as exc:
        return (
            f"the token could not be revoked ({exc}): revoke 'ShutterSense desktop' of "
            f"{signed_in.user.email} on {signed_in.server_url}"
        )
    return f"the token made on {signed_in.server_url} was revoked"


def registration_token(client: UserApiClient, pasted: str | None) -> str:
    """The token pasted by the user, checked for its shape; else a new one (admins only)."""
    if pasted is None:
        return client.create_registration_token().token
    token = pasted.strip()
    if not token.startswith(TOKEN_PREFIX) or len(token) < 12 or any(c.isspace() for c in token):
        raise Invalid(
            400,
            "token",
            f"a registration token starts with {TOKEN_PREFIX} (for example art_Xy12…); "
            "paste the whole token an admin gave you",
        )
    return token


def register_machine(context: AgentContext, server_url: str, token: str, name: str) -> Identity:
    """Register this machine as the team's agent; the key goes to the key store."""
    if not name.strip():
        raise Invalid(400, "name", "give this computer a name, such as Studio Mac")
    register(context, server_url, token, name.strip())
    identity = context.identity()
    log.info("registered as %s (%s) on %s", identity.name, identity.agent_guid, server_url)
    return identity


def authorize_folder(context: AgentContext, folder: Path) -> dict[str, Any]:
    """Make `folder` an authorized root of the agent and a collection bound to it."""
    try:
        real = folder.expanduser().resolve(strict=True)
    except OSError as exc:
        raise Invalid(400, "folder", f"{folder} cannot be opened ({exc}); pick another") from None
    if not real.is_dir():
        raise Invalid(400, "folder", f"{real} is not a folder; pick a folder")
    config = context.config
    context.save(config.with_roots(tuple(dict.fromkeys((*config.roots, str(real))))))
    with context.client() as client:
        collection = collection_for_path(client, str(real), real.name or str(real))
    log.info("authorized %s as collection %s", real, collection["guid"])
    return collection


def collections_again(
    context: AgentContext, client: UserApiClient, earlier: str | None
) -> list[str]:
    """Once this computer registered again: the collections of its earlier registration
    (`earlier`, an agent GUID) move to the new one, their results and trends with them, and
    each other folder it kept becomes a collection. What could not be done, one line each: a
    folder gone stops no other."""
    problems = move_collections(client, earlier, context.identity().agent_guid)
    for root in context.config.roots:
        try:
            authorize_folder(context, Path(root))
        except (ApiError, AgentError) as exc:
            log.warning("folder %s is not a collection of the new registration: %s", root, exc)
            problems.append(f"{root}: {exc}")
    return problems


def move_collections(client: UserApiClient, earlier: str | None, agent: str) -> list[str]:
    """Move the collections of agent `earlier` to `agent`; what could not be moved, one line
    each (one refused stops no other)."""
    if earlier is None or earlier == agent:
        return []
    problems = []
    try:
        theirs = [c for c in client.collections() if c.agent == earlier]
    except ApiError as exc:
        log.warning("the collections of %s could not be listed: %s", earlier, exc)
        return [f"the collections of the earlier registration stay with it: {exc}"]
    for collection in theirs:
        try:
            client.move_collection(collection.guid, agent)
        except ApiError as exc:
            log.warning("collection %s stays with %s: %s", collection.guid, earlier, exc)
            problems.append(f"{collection.root_path}: {exc}")
    return problems
