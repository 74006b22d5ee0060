"""Checks before a document is stored, and commits that turn a unique-key race into a 409."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import Conflict, InvalidInput

__all__ = ["MAX_STORED_BYTES", "check_storable", "commit_or_conflict"]

MAX_STORED_BYTES = 512 * 1024


def check_storable(value: Any, what: str) -> None:
    """Refuse what is too large, or what a database cannot store (NUL, lone surrogates, NaN).

    Encodes lazily so a YAML alias bomb is stopped at the limit instead of filling memory.
    """
    size = 0
    try:
        for chunk in json.JSONEncoder(ensure_ascii=False, allow_nan=False).iterencode(value):
            size += len(chunk.encode("utf-8"))
            if size > MAX_STORED_BYTES:
                raise InvalidInput(f"the {what} is over {MAX_STORED_BYTES // 1024} KB as JSON")
            if "\\u0000" in chunk:
                raise InvalidInput(f"the {what} contains a NUL character")
    except (ValueError, UnicodeEncodeError, RecursionError) as exc:
        raise InvalidInput(f"the {what} cannot be stored: {exc}") from None


def commit_or_conflict(session: Session, conflict: str) -> None:
    """Commit; a concurrent insert of the same name or version is a Conflict, not a 500."""
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(conflict) from exc
