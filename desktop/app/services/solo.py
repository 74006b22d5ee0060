"""Solo mode: this computer alone, with the coordinator the app runs itself.

Set-up (the first-run window's solo choice) starts the embedded coordinator, creates the local
user (its password generated once and kept in the key store: the OS keyring or its reported
fallback; never shown, never logged), signs in as that user as a team sign-in does, and
registers this computer as its agent. Later starts only start the coordinator again; should its
port have changed (the old one taken), the agent's identity and the account follow it.
"""

from __future__ import annotations

import logging
import secrets
import socket
from dataclasses import replace

from shuttersense.desktop.agent.context import AgentContext

from ..api import UserApiClient
from ..first_run_steps import SignedIn, register_machine, sign_in
from .embedded_coordinator import EmbeddedCoordinator

__all__ = ["SOLO_EMAIL", "SOLO_PASSWORD", "Solo"]

log = logging.getLogger(__name__)

SOLO_EMAIL = "me@this-computer.local"
SOLO_PASSWORD = "solo_password"  # noqa: S105 (the key store entry's name)
_TEAM = "This computer"


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

    def _password(self, context: AgentContext) -> str:
        """The local user's password: the one kept, else a new user with a new one."""
        kept = context.keys.get(SOLO_PASSWORD)
        if kept:
            return kept
        password = secrets.token_urlsafe(32)
        context.keys.set(SOLO_PASSWORD, password)  # kept before the user exists: never lost
        self.coordinator.run_command(
            "create-user",
            "--email",
            SOLO_EMAIL,
            "--admin",
            "--team",
            _TEAM,
            "--password-stdin",
            stdin=password + "\n",
        )
        return password

    def start(self, context: AgentContext) -> str:
        """Start the coordinator (blocks: a worker thread); its URL. A registration made on
        another port follows the coordinator to this one."""
        url = self.coordinator.start()
        config = context.config
        identity = config.identity
        if identity is not None and identity.server_url != url and _local(identity.server_url):
            log.info("solo mode: the coordinator moved to %s", url)
            context.save(config.with_identity(replace(identity, server_url=url), config.key_store))
        return url

    def stop(self) -> None:
        self.coordinator.stop()


def _local(url: str) -> bool:
    return url.startswith("http://127.0.0.1:")
