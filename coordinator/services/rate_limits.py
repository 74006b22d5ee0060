"""Rate limits on login and agent registration, per client address and per account.

Attempts are rows, so several coordinator instances share the count. Old rows are pruned as new
ones arrive.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..errors import TooManyAttempts
from ..models import RateLimitHit
from ..models.base import utcnow

__all__ = ["AGENT_REGISTRATION", "LOGIN", "Limit", "forget", "hit"]


@dataclass(frozen=True)
class Limit:
    bucket: str
    attempts: int
    window: timedelta


AGENT_REGISTRATION = Limit("agent-registration", 10, timedelta(minutes=10))
LOGIN = Limit("login", 10, timedelta(minutes=15))


def _key(value: str) -> str:
    # Accounts and tokens are stored hashed here too: the table must not become a secret list.
    return hashlib.sha256(value.encode()).hexdigest()


def hit(session: Session, limit: Limit, *keys: str) -> None:
    """Count one attempt for each key; raise TooManyAttempts when any key is over the limit."""
    now = utcnow()
    since = now - limit.window
    session.execute(
        delete(RateLimitHit).where(
            RateLimitHit.bucket == limit.bucket, RateLimitHit.created_at < since
        )
    )
    hashed = [_key(key) for key in keys]
    for key in hashed:
        count, oldest = session.execute(
            select(func.count(), func.min(RateLimitHit.created_at)).where(
                RateLimitHit.bucket == limit.bucket,
                RateLimitHit.key == key,
                RateLimitHit.created_at >= since,
            )
        ).one()
        if count >= limit.attempts:
            session.commit()
            wait = max(1, int((oldest + limit.window - now).total_seconds()) + 1)
            raise TooManyAttempts(f"too many attempts: try again in {wait} s", retry_after=wait)
    session.add_all(RateLimitHit(bucket=limit.bucket, key=key, created_at=now) for key in hashed)
    session.commit()


def forget(session: Session, limit: Limit, key: str, *, latest_only: bool = False) -> None:
    """Drop the attempts counted for `key`, or only the newest one.

    A successful login clears its account's count and does not count against its address.
    Runs in the caller's transaction, not committed here.
    """
    condition = (RateLimitHit.bucket == limit.bucket) & (RateLimitHit.key == _key(key))
    if latest_only:
        newest = select(func.max(RateLimitHit.id)).where(condition).scalar_subquery()
        condition = RateLimitHit.id == newest
    session.execute(delete(RateLimitHit).where(condition))
