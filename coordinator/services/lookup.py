"""Finding a row by its GUID inside the caller's team: every other team's row is "not found"."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from ..errors import NotFound

__all__ = ["in_team"]

Row = TypeVar("Row")


@cache
def _by_guid(model: Any) -> Select[Any]:
    # Built once per model: building a statement costs about as much CPU as running it.
    return select(model).where(model.guid == bindparam("guid"), model.team_id == bindparam("team"))


def in_team(session: Session, model: type[Row], team_id: int, guid: str, what: str) -> Row:
    """The `model` row with this GUID in the team; NotFound (`no {what} {guid}`) otherwise."""
    found = session.scalar(_by_guid(model), {"guid": guid, "team": team_id})
    if found is None:
        raise NotFound(f"no {what} {guid}")
    return found
