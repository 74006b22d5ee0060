"""Collections: folders on an agent's machine that jobs run on."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Conflict, InvalidInput, NotFound
from ..ids import new_guid
from ..models import Agent, Collection
from . import audit

__all__ = ["agent_collections", "create_agent_collection", "team_collection"]

MAX_PATH = 4096


def team_collection(session: Session, team_id: int, guid: str) -> Collection:
    """The collection with this GUID in the team; NotFound otherwise (other teams included)."""
    found = session.scalar(
        select(Collection).where(Collection.guid == guid, Collection.team_id == team_id)
    )
    if found is None:
        raise NotFound(f"no collection {guid}")
    return found


def agent_collections(session: Session, agent: Agent) -> list[Collection]:
    return list(
        session.scalars(
            select(Collection).where(Collection.agent_id == agent.id).order_by(Collection.name)
        )
    )


def create_agent_collection(
    session: Session, agent: Agent, name: str, root_path: str
) -> Collection:
    """A collection for a folder on `agent`'s machine, bound to that agent.

    The agent checks the path against its authorized roots; the coordinator only stores it.
    """
    name = name.strip()
    if not name or not root_path or len(root_path) > MAX_PATH or "\0" in root_path:
        raise InvalidInput("a collection needs a name and an absolute folder path")
    taken = session.scalar(
        select(Collection.id).where(Collection.team_id == agent.team_id, Collection.name == name)
    )
    if taken is not None:
        raise Conflict(f"the team has a collection named {name!r} already")
    collection = Collection(
        guid=new_guid("col"),
        team_id=agent.team_id,
        agent_id=agent.id,
        name=name,
        root_path=root_path,
    )
    session.add(collection)
    session.flush()
    audit.record(
        session,
        agent.team_id,
        "collection.created",
        collection.guid,
        {"name": name},
        agent_id=agent.id,
    )
    session.commit()
    return collection
