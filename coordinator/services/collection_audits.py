"""Audits: tools of one collection queued together, which its agent claims together and runs on
one scan of the collection (one listing, one result per tool, one upload).

An audit is its jobs: one job per tool, sharing `audit_guid`, each with its own result (trends,
retention, exports and the one-unfinished-job index read jobs and results per tool, as
before). A tool already queued or running on the collection keeps its job, in the audit it was
queued in; the new audit holds the other tools.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuttersense.common.results import ToolName

from ..errors import Conflict, InvalidInput, NotFound
from ..ids import new_guid
from ..models import Collection, Job
from ..models.team import User
from . import audit
from .collections import team_collection
from .job_lifecycle import cancel
from .jobs import QueuedJob, applicable_tools, create_job

__all__ = [
    "QueuedAudit",
    "audit_parameters",
    "cancel_audit",
    "get_audit",
    "queue_audit",
    "run_audit",
]

_ORDER = [tool.value for tool in ToolName]  # the order an audit's tools run in


@dataclass(frozen=True)
class QueuedAudit:
    """The audit queued now (None when every tool was queued or running already) and the job
    of each tool asked for, made now or found unfinished."""

    guid: str | None
    jobs: list[QueuedJob]


def audit_parameters(tools: Sequence[str], check_sidecars: bool) -> dict[str, Any]:
    """The parameters of an audit's jobs: `check_sidecars` when PhotoStats is to read them."""
    if check_sidecars and ToolName.PHOTOSTATS.value in tools:
        return {"check_sidecars": True}
    return {}


def queue_audit(
    session: Session,
    collection: Collection,
    tools: Sequence[str] | None = None,
    *,
    check_sidecars: bool | None = None,
    created_by_id: int | None = None,
) -> QueuedAudit:
    """Queue `tools` (None: every tool that applies) on the collection as one audit, reading the
    sidecars as `check_sidecars` says (None: as the collection's setting does). Not committed."""
    wanted = applicable_tools(session, collection) if tools is None else tools
    unknown = [tool for tool in wanted if tool not in _ORDER]
    if unknown:
        raise InvalidInput(f"unknown tool {unknown[0]!r}")
    ordered = sorted(set(wanted), key=_ORDER.index)
    check = collection.check_sidecars if check_sidecars is None else check_sidecars
    parameters = audit_parameters(ordered, check)
    guid = new_guid("adt")
    jobs = [
        create_job(
            session,
            collection,
            tool,
            parameters=parameters,
            created_by_id=created_by_id,
            audit_guid=guid,
        )
        for tool in ordered
    ]
    return QueuedAudit(guid if any(job.created for job in jobs) else None, jobs)


def run_audit(
    session: Session,
    user: User,
    collection_guid: str,
    tools: Sequence[str] | None,
    check_sidecars: bool | None,
) -> QueuedAudit:
    """The user's audit of the team's collection `collection_guid`. Committed."""
    target = team_collection(session, user.team_id, collection_guid)
    queued = queue_audit(
        session, target, tools, check_sidecars=check_sidecars, created_by_id=user.id
    )
    if queued.guid is not None:
        made = [job.job for job in queued.jobs if job.created]
        details = {
            "collection": target.guid,
            "tools": [job.tool for job in made],
            "check_sidecars": bool(made[0].parameters.get("check_sidecars")),
        }
        audit.record(session, user.team_id, "audit.created", queued.guid, details, user_id=user.id)
    session.commit()
    return queued


def _jobs_of(session: Session, team_id: int, guid: str, *, lock: bool = False) -> list[Job]:
    query = (
        select(Job)
        .where(Job.audit_guid == guid, Job.team_id == team_id)
        .order_by(Job.created_at, Job.id)
    )
    if lock:  # a claim must not slip in between the read and the write (PostgreSQL)
        query = query.with_for_update().execution_options(populate_existing=True)
    jobs = list(session.scalars(query))
    if not jobs:
        raise NotFound(f"no audit {guid}")
    return jobs


def get_audit(session: Session, team_id: int, guid: str) -> list[Job]:
    """The audit's jobs, oldest first; NotFound for an audit of another team."""
    return _jobs_of(session, team_id, guid)


def cancel_audit(session: Session, user: User, guid: str) -> list[Job]:
    """Cancel every unfinished job of the audit: queued ones at once, the claimed and running
    ones at their agent's next word. Conflict when all have ended. Committed."""
    jobs = _jobs_of(session, user.team_id, guid, lock=True)
    was = {job.guid: job.status for job in jobs}
    stopped = [job.guid for job in jobs if cancel(session, job)]
    if not stopped:
        session.rollback()
        raise Conflict("every job of the audit has ended already")
    details = {"jobs": {name: was[name] for name in stopped}}
    audit.record(session, user.team_id, "audit.cancelled", guid, details, user_id=user.id)
    session.commit()
    return jobs
