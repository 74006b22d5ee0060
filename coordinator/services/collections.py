"""Collections: folders on an agent's machine that jobs run on."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import Conflict, InvalidInput
from ..ids import new_guid
from ..models import Agent, Collection, Job, Pipeline
from ..models.team import User
from . import audit
from .agent_roots import folder_in_roots
from .job_events import job_changed
from .lookup import in_team
from .pipelines import team_pipeline

__all__ = [
    "CollectionRefs",
    "agent_collections",
    "assign_pipeline",
    "create_agent_collection",
    "create_team_collection",
    "delete_collection",
    "list_team_collections",
    "move_collection",
    "rename_collection",
    "set_check_sidecars",
    "team_collection",
]

MAX_PATH = 4096


def team_collection(session: Session, team_id: int, guid: str) -> Collection:
    """The collection with this GUID in the team; NotFound otherwise (other teams included)."""
    return in_team(session, Collection, team_id, guid, "collection")


def agent_collections(session: Session, agent: Agent) -> list[Collection]:
    return list(
        session.scalars(
            select(Collection).where(Collection.agent_id == agent.id).order_by(Collection.name)
        )
    )


def create_agent_collection(
    session: Session,
    agent: Agent,
    name: str,
    root_path: str,
    reported_roots: list[str] | None = None,
) -> Collection:
    """A collection for a folder on `agent`'s machine, asked for by the agent itself.

    `reported_roots`, the agent's authorized roots as it sends them with the request, replace
    the ones it reported before (as a heartbeat's do); the folder must lie inside them.
    """
    if reported_roots is not None:
        agent.authorized_roots = reported_roots
    return _bind(session, agent, name, root_path, {"name": name.strip()}, agent_id=agent.id)


class CollectionRefs:
    """Agent and pipeline GUIDs of some collections, fetched in two queries (for lists)."""

    def __init__(self, session: Session, collections: Iterable[Collection]) -> None:
        rows = list(collections)
        self.agents = _guids(session, Agent, {c.agent_id for c in rows})
        self.pipelines = _guids(session, Pipeline, {c.pipeline_id for c in rows})

    def agent(self, collection: Collection) -> str | None:
        return self.agents.get(collection.agent_id or 0)

    def pipeline(self, collection: Collection) -> str | None:
        return self.pipelines.get(collection.pipeline_id or 0)


def _guids(
    session: Session, model: type[Agent] | type[Pipeline], ids: set[int | None]
) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(model.id, model.guid).where(model.id.in_(wanted)))
    return {row_id: guid for row_id, guid in rows}


def list_team_collections(session: Session, team_id: int) -> list[Collection]:
    return list(
        session.scalars(
            select(Collection).where(Collection.team_id == team_id).order_by(Collection.name)
        )
    )


def _check_name_free(session: Session, team_id: int, name: str, *, but: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput("a collection needs a name")
    query = select(Collection.id).where(Collection.team_id == team_id, Collection.name == name)
    if but is not None:
        query = query.where(Collection.id != but)
    if session.scalar(query) is not None:
        raise Conflict(f"the team has a collection named {name!r} already")
    return name


@contextmanager
def _unique_name(session: Session, name: str) -> Iterator[None]:
    """Write and commit; a concurrent insert of the same name, seen at the flush or at the
    commit, is a Conflict, not a server error."""
    try:
        yield
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(f"the team has a collection named {name!r} already") from exc


def _active_agent(session: Session, user: User, agent_guid: str) -> Agent:
    agent = in_team(session, Agent, user.team_id, agent_guid, "agent")
    if agent.revoked_at is not None:
        raise Conflict(f"the agent {agent_guid} was revoked: pick another one")
    return agent


def create_team_collection(
    session: Session, user: User, name: str, root_path: str, agent_guid: str
) -> Collection:
    """A collection for a folder on one of the team's agents, inside the roots it reported
    (revoked agents refused)."""
    agent = _active_agent(session, user, agent_guid)
    details = {"name": name.strip(), "agent": agent.guid}
    return _bind(session, agent, name, root_path, details, user_id=user.id)


def _bind(
    session: Session,
    agent: Agent,
    name: str,
    root_path: str,
    details: dict[str, str],
    *,
    user_id: int | None = None,
    agent_id: int | None = None,
) -> Collection:
    """Create, audit and commit a collection bound to `agent` for a folder inside its reported
    roots; the actor is the user or agent."""
    if not root_path or len(root_path) > MAX_PATH or "\0" in root_path:
        raise InvalidInput("a collection needs a folder path on the agent's machine")
    root_path = folder_in_roots(agent, root_path)
    name = _check_name_free(session, agent.team_id, name)
    collection = Collection(
        guid=new_guid("col"),
        team_id=agent.team_id,
        agent_id=agent.id,
        name=name,
        root_path=root_path,
    )
    with _unique_name(session, name):
        session.add(collection)
        session.flush()
        audit.record(
            session,
            agent.team_id,
            "collection.created",
            collection.guid,
            details,
            user_id=user_id,
            agent_id=agent_id,
        )
    return collection


def rename_collection(session: Session, user: User, guid: str, name: str) -> Collection:
    collection = team_collection(session, user.team_id, guid)
    name = _check_name_free(session, user.team_id, name, but=collection.id)
    if name != collection.name:
        with _unique_name(session, name):
            old, collection.name = collection.name, name
            audit.record(
                session,
                user.team_id,
                "collection.renamed",
                collection.guid,
                {"old": old, "new": name},
                user_id=user.id,
            )
    return collection


def move_collection(session: Session, user: User, guid: str, agent_guid: str) -> Collection:
    """Bind the collection, its results and trends kept, to another of the team's agents (the
    same folder seen by a new registration of its computer, say); its folder must lie inside the
    roots that agent reported. Its queued jobs go with it; a running one ends where it runs."""
    collection = team_collection(session, user.team_id, guid)
    agent = _active_agent(session, user, agent_guid)
    if collection.agent_id == agent.id:
        return collection
    folder_in_roots(agent, collection.root_path)
    old = _guids(session, Agent, {collection.agent_id}).get(collection.agent_id or 0)
    collection.agent_id = agent.id
    queued = session.scalars(
        select(Job)
        .where(Job.collection_id == collection.id, Job.status == "queued")
        .with_for_update()
    ).all()
    for job in queued:
        job.agent_id = agent.id
        job_changed(job)  # wakes the new agent's waiting claim
    details = {"from": old, "to": agent.guid, "queued_jobs": [job.guid for job in queued]}
    audit.record(
        session, user.team_id, "collection.moved", collection.guid, details, user_id=user.id
    )
    session.commit()
    return collection


def set_check_sidecars(session: Session, user: User, guid: str, value: bool) -> Collection:
    """Whether the collection's scheduled audits (and run-all) read its XMP sidecars."""
    collection = team_collection(session, user.team_id, guid)
    if collection.check_sidecars != value:
        collection.check_sidecars = value
        changed = {"check_sidecars": value}
        audit.record(
            session, user.team_id, "collection.settings", collection.guid, changed, user_id=user.id
        )
        session.commit()
    return collection


def delete_collection(session: Session, user: User, guid: str) -> None:
    """Delete the collection; the database cascades to its jobs and results."""
    collection = team_collection(session, user.team_id, guid)
    audit.record(
        session,
        user.team_id,
        "collection.deleted",
        collection.guid,
        {"name": collection.name, "root_path": collection.root_path},
        user_id=user.id,
    )
    session.delete(collection)
    session.commit()


def assign_pipeline(
    session: Session, user: User, guid: str, pipeline_guid: str | None, version: int | None
) -> Collection:
    """Give the collection its own pipeline (pinned to `version`, or following the current one),
    or with None hand it back to the team default."""
    collection = team_collection(session, user.team_id, guid)
    if pipeline_guid is None:
        collection.pipeline_id = collection.pipeline_version = None
    else:
        pipeline = team_pipeline(session, user.team_id, pipeline_guid)
        if not (pipeline.is_valid and pipeline.is_active):
            raise InvalidInput(f"pipeline {pipeline_guid} is not valid: fix it first")
        if version is not None and not 1 <= version <= pipeline.current_version:
            raise InvalidInput(f"pipeline {pipeline_guid} has no version {version}")
        collection.pipeline_id, collection.pipeline_version = pipeline.id, version
    audit.record(
        session,
        user.team_id,
        "collection.pipeline",
        collection.guid,
        {"pipeline": pipeline_guid, "version": version},
        user_id=user.id,
    )
    session.commit()
    return collection


def agent_pipelines(session: Session, agent: Agent) -> list[tuple[Pipeline, int]]:
    """The valid pipelines this agent's collections use, each with the version in force."""
    rows = session.execute(
        select(Pipeline, Collection.pipeline_version)
        .join(Collection, Collection.pipeline_id == Pipeline.id)
        .where(
            Collection.agent_id == agent.id,
            Pipeline.is_valid.is_(True),
            Pipeline.is_active.is_(True),
        )
    ).all()
    chosen = {(p.id, version or p.current_version): p for p, version in rows}
    return [(p, version) for (_, version), p in sorted(chosen.items())]
