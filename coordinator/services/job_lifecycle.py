"""A queued job's way to its end: the claim's fence, progress, failure, release, re-queueing,
cancellation, and the result row an ending leaves (claims: claims.py; results: completion.py).

At-least-once delivery, exactly-once results: a claim hands out a token (stored hashed) that
fences every later call, and a secret (stored encrypted) that signs the result. A lost lease or
a retryable failure puts the job back in the queue until `max_attempts`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import Row, Update, bindparam, select, update
from sqlalchemy.orm import Session

from ..errors import Conflict, NotFound
from ..hashed_secrets import hash_secret
from ..ids import new_guid
from ..models import Job, Result
from ..models.base import utcnow
from .agent_identity import AgentIdentity
from .job_events import JOB_VIEW_COLUMNS, job_changed, note_job_event
from .lookup import in_team

__all__ = [
    "ACTIVE",
    "LEASE",
    "RESULT_WANTED",
    "SUPERSEDED",
    "cancel",
    "check_fence",
    "end_unsuccessfully",
    "fail",
    "fenced_job",
    "fenced_update",
    "find_team_job",
    "finish",
    "give_back",
    "progress",
    "release",
    "requeue",
    "result_values",
    "stored_result",
]

LEASE = timedelta(seconds=90)
SUPERSEDED = "this claim was superseded: the job was given to another run"
RETRY_BACKOFF = timedelta(seconds=5)
ACTIVE = ("claimed", "running")
# A result is still wanted from the claim that holds the job, and from the last claim of a job
# re-queued after a lost lease until someone claims it again (see `requeue`).
RESULT_WANTED = (*ACTIVE, "queued")
_jobs = Job.__table__
_Fenced = TypeVar("_Fenced", Job, Row[Any])


def find_team_job(session: Session, team_id: int, guid: str) -> Job:
    return in_team(session, Job, team_id, guid, "job")


def check_fence(row: _Fenced | None, guid: str, agent: AgentIdentity, token_hash: str) -> _Fenced:
    """The job (an ORM object or a Core row) if this agent holds its current claim: NotFound
    when the team has no such job, Conflict for a superseded claim."""
    if row is None:
        raise NotFound(f"no job {guid}")
    if row.claimed_by_id != agent.id or row.claim_token_hash != token_hash:
        raise Conflict(SUPERSEDED)
    return row


def fenced_job(session: Session, agent: AgentIdentity, guid: str, token: str) -> Job:
    """The job, if this agent holds its current claim; Conflict for a superseded claim."""
    return check_fence(find_team_job(session, agent.team_id, guid), guid, agent, hash_secret(token))


_FENCE = select(_jobs.c.id, _jobs.c.status, _jobs.c.claimed_by_id, _jobs.c.claim_token_hash).where(
    _jobs.c.guid == bindparam("guid"), _jobs.c.team_id == bindparam("team")
)


def fenced_update(states: tuple[str, ...]) -> Update:
    """An UPDATE of the job `:job` that lands only while the claim `:token_hash` still holds it
    in one of `states`: a racing twin or a newer claim finds nothing to change."""
    return update(_jobs).where(
        _jobs.c.id == bindparam("job"),
        _jobs.c.claim_token_hash == bindparam("token_hash"),
        _jobs.c.status.in_(states),
    )


_PROGRESS = (
    fenced_update(ACTIVE)
    .values(status="running", progress=bindparam("report"), lease_expires_at=bindparam("lease"))
    .returning(_jobs.c.lease_expires_at, *(_jobs.c[name] for name in JOB_VIEW_COLUMNS))
)


def progress(
    session: Session, agent: AgentIdentity, guid: str, token: str, report: dict[str, Any]
) -> Row[Any]:
    """Record progress and renew the lease; the caller tells the agent about cancellation.
    Returns the job's lease_expires_at and cancel_requested (and what its events tell)."""
    connection = session.connection()
    token_hash = hash_secret(token)
    fence = connection.execute(_FENCE, {"guid": guid, "team": agent.team_id}).first()
    fence = check_fence(fence, guid, agent, token_hash)
    if fence.status not in ACTIVE:
        raise Conflict(f"the job is {fence.status}, not running")
    job = connection.execute(
        _PROGRESS,
        {"job": fence.id, "token_hash": token_hash, "report": report, "lease": utcnow() + LEASE},
    ).first()
    if job is None:  # the sweeper or another call changed it meanwhile
        raise Conflict(SUPERSEDED)
    if fence.status != "running":
        note_job_event(session, job)
    note_job_event(session, job, "progress")
    session.commit()
    return job


def stored_result(session: Session, job: Job | Row[Any]) -> Result | None:
    return session.scalar(select(Result).where(Result.job_id == job.id))


def result_values(
    job: Job | Row[Any],
    agent_id: int | None,
    status: str,
    results_json: dict[str, Any],
    input_state_hash: str | None,
    **fields: Any,
) -> dict[str, Any]:
    """A result row's columns for `job`, made by the agent `agent_id` (None: no agent ran it)."""
    return {
        "guid": new_guid("res"),
        "team_id": job.team_id,
        "collection_id": job.collection_id,
        "pipeline_id": job.pipeline_id,
        "pipeline_version": job.pipeline_version,
        "job_id": job.id,
        "agent_id": agent_id,
        "tool": job.tool,
        "status": status,
        "results_json": results_json,
        "input_state_hash": input_state_hash,
        **fields,
    }


def finish(job: Job, status: str, error: str | None = None) -> None:
    """Close the job in a final state."""
    job.status = status
    job.finished_at = utcnow()
    job.lease_expires_at = None
    job.error = error
    job_changed(job)


def end_unsuccessfully(session: Session, job: Job, status: str, error: str) -> None:
    """Close the job as failed or cancelled for good, and record a FAILED or CANCELLED result
    carrying the error, so result lists show what became of it. Not committed."""
    message = error[:4000]
    finish(job, status, message)
    values = result_values(job, job.claimed_by_id, status.upper(), {"error": message}, None)
    session.add(Result(**values))


def cancel(session: Session, job: Job) -> bool:
    """Cancel a queued job at once (with a CANCELLED result); ask the agent running a claimed
    or running one to stop. False when the job has ended already. Not committed."""
    if job.status == "queued":
        end_unsuccessfully(session, job, "cancelled", "cancelled by a user")
    elif job.status in ACTIVE:
        job.cancel_requested = True
        job_changed(job)
    else:
        return False
    return True


def fail(
    session: Session, agent: AgentIdentity, guid: str, token: str, error: str, retryable: bool
) -> Job:
    """Give the job back (retryable, attempts left: queued again after a backoff) or fail it.

    A job whose cancellation was requested ends as cancelled, whatever the agent suggests.
    """
    job = fenced_job(session, agent, guid, token)
    if job.status not in ACTIVE:
        raise Conflict(f"the job is {job.status}, not running")
    if job.cancel_requested:
        end_unsuccessfully(session, job, "cancelled", error)
    elif retryable and job.attempts < job.max_attempts:
        requeue(job, error, delay=RETRY_BACKOFF * 2 ** (job.attempts - 1))
    else:
        end_unsuccessfully(session, job, "failed", error)
    session.commit()
    return job


def requeue(job: Job, error: str | None, *, delay: timedelta = timedelta(0)) -> None:
    """Put a claimed job back in the queue. Until the next claim supersedes it, the old claim
    may still complete the job (an agent cut off from the coordinator uploads late), but no
    longer report progress or fail it."""
    job.status = "queued"
    job.lease_expires_at = None
    job.not_before = utcnow() + delay
    job.error = error
    job_changed(job)


def give_back(job: Job, reason: str) -> None:
    """Re-queue a job at once, its claim void, without counting the attempt: it was not the
    job's fault (the agent stopped or was revoked)."""
    requeue(job, reason)
    job.claimed_by_id = job.claim_token_hash = job.claim_secret = None
    job.attempts = max(job.attempts - 1, 0)


def release(session: Session, agent: AgentIdentity, guid: str, token: str) -> Job:
    """The agent hands the job back unfinished (it is shutting down)."""
    job = fenced_job(session, agent, guid, token)
    if job.status not in ACTIVE:
        raise Conflict(f"the job is {job.status}, not running")
    if job.cancel_requested:
        end_unsuccessfully(session, job, "cancelled", "cancelled while the agent was stopping")
    else:
        give_back(job, "released by the agent")
    session.commit()
    return job
