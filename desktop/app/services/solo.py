"""Solo mode: this computer alone, with the coordinator the app runs itself.

Set-up (the first-run window's solo choice) starts the embedded coordinator, creates the local
user (its password generated once and kept in the key store: the OS keyring or its reported
fallback; never shown, never logged), signs in as that user as a team sign-in does, and
registers this computer as its agent. Later starts only start the coordinator again; should its
port have changed (the old one taken), the agent's identity and the account follow it.

Should the key store lose the password (a keyring reset, another user profile), nothing is
lost: the app sets a new one through the coordinator's own admin command (`reset-password`, run
as a child process on solo mode's database) and signs in again; the user, the collections and
their results stay as they were.
"""

from __future__ import annotations

import logging
import secrets
import socket
from dataclasses import dataclass, replace

from shuttersense.desktop.agent.context import AgentContext

from ..api import SignInRequired, UserApiClient
from ..first_run_steps import SignedIn, register_machine, sign_in
from .embedded_coordinator import CoordinatorFailed, EmbeddedCoordinator

__all__ = ["MENDED_SIGN_IN", "SOLO_EMAIL", "SOLO_PASSWORD", "Solo", "SoloSignIn"]

log = logging.getLogger(__name__)

SOLO_EMAIL = "me@this-computer.local"
SOLO_PASSWORD = "solo_password"  # noqa: S105 (the key store entry's name)
_TEAM = "This computer"
MENDED_SIGN_IN = (
    "The key store had lost the password of ShutterSense's local user (a keyring reset, or "
    "another user profile): ShutterSense gave that user a new one, kept in the key store, and "
    "signed in again. Your collections and results are as they were."
)


@dataclass(frozen=True)
class SoloSignIn:
    signed: SignedIn
    said: str = ""  # what had to be mended to sign in, for the user; empty when nothing


class Solo:
    """The `SoloMode` of the first-run window, and what later starts need of solo mode."""

    def __init__(self, coordinator: EmbeddedCoordinator) -> None:
        self.coordinator = coordinator

    @property
    def url(self) -> str | None:
        return self.coordinator.url

    def set_up(self, context: AgentContext) -> SignedIn:
        """Coordinator, user, sign-in, registration; a set-up that stopped half way (the app
        was closed) picks up where it stopped."""
        url = self.start(context)
        password = self._password(context)
        signed = sign_in(url, SOLO_EMAIL, password)
        identity = context.config.identity
        if identity is None or identity.server_url != url:
            with UserApiClient(url, signed.token) as client:
                token = client.create_registration_token().token
            name = (socket.gethostname() or "This computer")[:100]
            register_machine(context, url, token, name)
        log.info("solo mode set up at %s", url)
        return signed

    def sign_in_again(self, context: AgentContext) -> SoloSignIn:
        """A new sign-in for the app (its token was lost or refused): with the password kept,
        or, when the key store lost it or it no longer works, with a new one (`said` tells)."""
        url = self.start(context)
        kept = context.keys.get(SOLO_PASSWORD)
        if kept:
            try:
                return SoloSignIn(sign_in(url, SOLO_EMAIL, kept))
            except SignInRequired:
                log.warning("solo mode: the kept password was refused; setting a new one")
        log.warning("solo mode: the local user's password is gone from the key store")
        password = self._new_password(context)
        self._run_with_password("reset-password", password)
        return SoloSignIn(sign_in(url, SOLO_EMAIL, password), MENDED_SIGN_IN)

    def _password(self, context: AgentContext) -> str:
        """The local user's password: the one kept, else a new user with a new one (a user
        made before the key store lost its password gets the new one instead)."""
        kept = context.keys.get(SOLO_PASSWORD)
        if kept:
            return kept
        password = self._new_password(context)
        try:
            self._run_with_password("create-user", password, "--admin", "--team", _TEAM)
        except CoordinatorFailed as exc:
            if "exists already" not in str(exc):
                raise
            log.warning("solo mode: the local user exists but its password was lost: reset")
            self._run_with_password("reset-password", password)
        return password

    @staticmethod
    def _new_password(context: AgentContext) -> str:
        password = secrets.token_urlsafe(32)
        context.keys.set(SOLO_PASSWORD, password)  # kept before the coordinator has it
        return password

    def _run_with_password(self, command: str, password: str, *args: str) -> None:
        """The coordinator's admin `command` for the local user, the password on stdin."""
        self.coordinator.run_command(
            command, "--email", SOLO_EMAIL, *args, "--password-stdin", stdin=password + "\n"
        )

    def start(self, context: AgentContext) -> str:
        """Start the coordinator (blocks: a worker thread); its URL. A registration made with
        it on the port it had before follows it to this one (one with a team coordinator,
        even on this computer, stays as it is)."""
        url = self.coordinator.start()
        config = context.config
        identity = config.identity
        moved_from = self.coordinator.earlier_url
        if identity is not None and identity.server_url == moved_from and moved_from != url:
            log.info("solo mode: the coordinator moved to %s", url)
            context.save(config.with_identity(replace(identity, server_url=url), config.key_store))
        return url

    def stop(self) -> None:
        self.coordinator.stop()
