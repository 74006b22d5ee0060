"""Keyring backends for tests: one that works, and ones that fail the way real backends do.

They keep secrets in memory. The failing ones raise ValueError, not a KeyringError, as backends
do (an empty `PYTHON_KEYRING_BACKEND` makes keyring itself raise one). Subprocesses load them by
name through `PYTHON_KEYRING_BACKEND=tests.helpers.keyrings.CLASS`.
"""

from __future__ import annotations

import keyring
from keyring.backend import KeyringBackend

__all__ = ["BrokenKeyring", "KeyLosingKeyring", "MemoryKeyring"]


class MemoryKeyring(KeyringBackend):
    """A working OS keyring stand-in (priority 1, like a real Secret Service)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def refuses(self, username: str) -> bool:
        """Whether writing the secret `username` fails now."""
        return False

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.refuses(username):
            raise ValueError(f"cannot store {username!r}: the keyring is locked")
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.values:
            raise keyring.errors.PasswordDeleteError("not found")
        del self.values[(service, username)]


class KeyLosingKeyring(MemoryKeyring):
    """Takes every secret but the agent key: fails only once the coordinator has answered."""

    def refuses(self, username: str) -> bool:
        return username == "agent_key"


class BrokenKeyring(MemoryKeyring):
    """Takes nothing: a registration must stop before it spends its token."""

    def refuses(self, username: str) -> bool:
        return True
