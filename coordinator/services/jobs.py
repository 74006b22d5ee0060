"""The job queue: a tool queued on a collection, with the pipeline in force (what becomes of a
queued job: job_lifecycle.py; claims: claims.py; results: completion.py)."""

from __future__ import annotations

from types import ModuleType
from typing import Any, NamedTuple

from sqlalchemy import Insert, Row, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shuttersense.common.results import ToolName

from ..errors import Conflict, InvalidInput
from ..ids import new_guid
from ..models import Collection, Job, Pipeline
from ..models.work import UNFINISHED_STATES, UNFINISHED_WHERE
from .job_events import note_job_event

__all__ = ["QueuedJob", "applicable_tools", "create_job"]

_jobs = Job.__table__


def _insert_unless_unfinished(dialect_module: ModuleType) -> Insert:
    """An INSERT that adds nothing when the collection has an unfinished job of the tool (the
    partial unique index decides, so two at once on PostgreSQL insert one: the second waits for
    the first to commit)."""
    statement = dialect_module.insert(_jobs).on_conflict_do_nothing(
        index_elements=["collection_id", "tool"], index_where=UNFINISHED_WHERE
    )
    return statement.returning(*_jobs.c)


_INSERT_JOB = {
    module.dialect.name: _insert_unless_unfinished(module) for module in (postgresql, sqlite)
}
_UNFINISHED_JOB = select(_jobs).where(
    _jobs.c.collection_id == bindparam("collection"),
    _jobs.c.tool == bindparam("tool"),
    _jobs.c.status.in_(UNFINISHED_STATES),
)
_pipelines = Pipeline.__table__
_DEFAULT_PIPELINE = select(_pipelines.c.id, _pipelines.c.current_version).where(
    _pipelines.c.team_id == bindparam("team"),
    _pipelines.c.is_default.is_(True),
    _pipelines.c.is_valid.is_(True),
    _pipelines.c.is_active.is_(True),
)


class QueuedJob(NamedTuple):
    """The job of the tool on the collection (a row of all its columns), and whether this call
    queued it (False: it was queued or running already)."""

    job: Row[Any]
    created: bool


def create_job(
    session: Session,
    collection: Collection,
    tool: str,
    *,
    parameters: dict[str, Any] | None = None,
    created_by_id: int | None = None,
    max_attempts: int = 3,
    audit_guid: str | None = None,
) -> QueuedJob:
    """Queue `tool` on `collection`, unless the tool is queued or running on it already: then
    that job (in the audit it was queued in). A local collection's jobs go to its agent only.
    The job joins the audit `audit_guid`, or makes an audit of its own.

    The job carries the pipeline in force (analysis spec 1.4): the collection's own (its pinned
    version, else the current one), else the team's default. Pipeline Validation needs one.
    Inserted (a row, not an ORM object: the user API's busiest write), not committed: the caller
    commits it with whatever records it (audit events).
    """
    if tool not in {t.value for t in ToolName}:
        raise InvalidInput(f"unknown tool {tool!r}")
    pipeline_id, version = _pipeline_in_force(session, collection)
    if tool == ToolName.PIPELINE_VALIDATION and pipeline_id is None:
        raise InvalidInput(
            "pipeline_validation needs a pipeline: assign one to the collection or set a team "
            "default"
        )
    connection = session.connection()
    insert = _INSERT_JOB[connection.dialect.name]
    values = {
        "guid": new_guid("job"),
        "team_id": collection.team_id,
        "collection_id": collection.id,
        "agent_id": collection.agent_id,
        "pipeline_id": pipeline_id,
        "pipeline_version": version,
        "tool": tool,
        "audit_guid": audit_guid or new_guid("adt"),
        "parameters": parameters or {},
        "created_by_id": created_by_id,
        "max_attempts": max_attempts,
    }
    # The job in the way may end between the INSERT and the look-up: then insert again.
    for _ in range(3):
        job = connection.execute(insert, values).first()
        if job is not None:
            note_job_event(session, job)
            return QueuedJob(job, created=True)
        found = {"collection": collection.id, "tool": tool}
        existing = connection.execute(_UNFINISHED_JOB, found).first()
        if existing is not None:
            return QueuedJob(existing, created=False)
    raise Conflict(f"{tool} kept starting and ending on the collection meanwhile: try again")


def applicable_tools(session: Session, collection: Collection) -> list[str]:
    """The tools that can run on the collection: Pipeline Validation only with a pipeline in
    force."""
    tools = [t.value for t in ToolName]
    if _pipeline_in_force(session, collection)[0] is None:
        tools.remove(ToolName.PIPELINE_VALIDATION.value)
    return tools


def _pipeline_in_force(session: Session, collection: Collection) -> tuple[int | None, int | None]:
    if collection.pipeline_id is not None:
        pipeline = session.get(Pipeline, collection.pipeline_id)
        if pipeline is not None and pipeline.is_valid and pipeline.is_active:
            return pipeline.id, collection.pipeline_version or pipeline.current_version
    default = session.connection().execute(_DEFAULT_PIPELINE, {"team": collection.team_id}).first()
    return (default.id, default.current_version) if default else (None, None)
