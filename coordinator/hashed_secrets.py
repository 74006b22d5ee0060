"""Secrets handed out once and stored only as hashes: registration tokens, agent keys."""

from __future__ import annotations

import hashlib
import secrets

__all__ = ["hash_secret", "new_secret"]


def new_secret(prefix: str) -> str:
    """`prefix` + 43 URL-safe characters (256 bits), e.g. `art_…` or `agt_key_…`."""
    return prefix + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """The SHA-256 hex digest stored in place of the secret."""
    return hashlib.sha256(secret.encode()).hexdigest()
