"""One owner at a time across coordinator instances, for the background passes."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

__all__ = ["sole_owner"]


def sole_owner(session: Session, key: int) -> bool:
    """Whether this transaction may run the pass named by `key`.

    On PostgreSQL it takes the transaction-level advisory lock `key` (held until the transaction
    ends), and is False, rolled back, while another instance holds it. SQLite serves one
    process, whose background loop runs one pass at a time.
    """
    if session.get_bind().dialect.name != "postgresql":
        return True
    if session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key}):
        return True
    session.rollback()
    return False
