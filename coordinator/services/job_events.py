"""Job events: services note a job's change on its session; the event bus gets it after commit.

A rolled-back change is never announced, and a service never talks to the bus itself: sessions
made by the app's session factory deliver their notes once the transaction commits (see
`deliver_after_commit`); sessions made elsewhere (the CLI, tests) drop them.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session, object_session, sessionmaker

from ..event_bus import Event, EventBus
from ..models import Job

__all__ = [
    "JOB_VIEW_COLUMNS",
    "JobView",
    "deliver_after_commit",
    "job_changed",
    "job_event",
    "note_event",
    "note_job_event",
    "public_view",
]

_PENDING = "job_events"
_MAX_ERROR = 500


JOB_VIEW_COLUMNS = (
    "team_id",
    "agent_id",
    "guid",
    "tool",
    "status",
    "attempts",
    "cancel_requested",
    "error",
    "progress",
)


class JobView(Protocol):
    """What an event tells of a job: a `Job`, or a row of the JOB_VIEW_COLUMNS of `jobs`."""

    team_id: int
    agent_id: int | None
    guid: str
    tool: str
    status: str
    attempts: int
    cancel_requested: bool
    error: str | None
    progress: dict[str, Any]


def job_event(job: JobView, kind: Literal["state", "progress"]) -> Event:
    common: Event = {
        "team": job.team_id,
        "agent": job.agent_id,
        "event": kind,
        "job": job.guid,
        "tool": job.tool,
    }
    if kind == "progress":
        report = job.progress or {}
        fields = ("stage", "percent", "counts", "message")
        return {**common, "status": job.status, **{k: report.get(k) for k in fields}}
    return {
        **common,
        "status": job.status,
        "attempts": job.attempts,
        "cancel_requested": job.cancel_requested,
        "error": (job.error or "")[:_MAX_ERROR] or None,
    }


def job_changed(job: Job, kind: Literal["state", "progress"] = "state") -> None:
    """Note the job as it is now; announced when its session commits."""
    session = object_session(job)
    if session is not None:
        note_job_event(session, job, kind)


def note_job_event(
    session: Session, job: JobView, kind: Literal["state", "progress"] = "state"
) -> None:
    """Note the job (read with Core, so not in the session) as it is now; announced when
    `session` commits."""
    session.info.setdefault(_PENDING, []).append(job_event(job, kind))


def note_event(session: Session, event: Event) -> None:
    """Note an event of another kind (`team` set, as on job events); announced when `session`
    commits."""
    session.info.setdefault(_PENDING, []).append(event)


_INTERNAL = frozenset({"team", "agent"})


def public_view(event: Event) -> Event:
    """The event as a client sees it: without the internal team and agent ids."""
    return {key: value for key, value in event.items() if key not in _INTERNAL}


def deliver_after_commit(sessions: sessionmaker[Session], bus: EventBus) -> None:
    """Make the sessions of `sessions` publish their noted events on `bus` after each commit."""

    def committed(session: Session) -> None:
        noted = session.info.pop(_PENDING, [])
        if noted:
            bus.publish(*noted)

    def rolled_back(session: Session, *_: Any) -> None:
        session.info.pop(_PENDING, None)

    event.listen(sessions, "after_commit", committed)
    event.listen(sessions, "after_soft_rollback", rolled_back)
