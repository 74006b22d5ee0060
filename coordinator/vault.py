"""Secrets the coordinator must read back (per-claim signing secrets, later VAPID keys),
encrypted at rest with SHUSAI_MASTER_KEY (Fernet)."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken

from .errors import CoordinatorError

__all__ = ["Vault"]


class Vault:
    def __init__(self, master_key: str) -> None:
        self._fernet = Fernet(master_key.encode())

    def encrypt(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise CoordinatorError(
                "a stored secret cannot be decrypted: was SHUSAI_MASTER_KEY changed?"
            ) from None
