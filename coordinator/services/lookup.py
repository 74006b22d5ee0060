"""Finding a row by its GUID inside the caller's team: every other team's row is "not found"."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFound

__all__ = ["in_team"]

Row = TypeVar("Row")


def in_team(session: Session, model: type[Row], team_id: int, guid: str, what: str) -> Row:
    """The `model` row with this GUID in the team; NotFound (`no {what} {guid}`) otherwise."""
    table: Any = model
    found = session.scalar(select(model).where(table.guid == guid, table.team_id == team_id))
    if found is None:
        raise NotFound(f"no {what} {guid}")
    return found
