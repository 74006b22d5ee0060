"""The job queue: create, progress, complete, no-change, fail, requeue (claims: claims.py).

At-least-once delivery, exactly-once results: a claim hands out a token (stored hashed) that
fences every later call, and a secret (stored encrypted) that signs the result. A lost lease or
a retryable failure puts the job back in the queue until `max_attempts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Row, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shuttersense.common.protocol import signature_matches
from shuttersense.common.results import ToolName, result_counts

from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..hashed_secrets import hash_secret
from ..ids import new_guid
from ..models import ANALYSED_STATES, Collection, Job, Pipeline, Result
from ..models.base import utcnow
from ..vault import Vault
from .agent_identity import AgentIdentity
from .collection_stats import record_stats
from .job_events import JOB_VIEW_COLUMNS, job_changed, note_job_event
from .lookup import in_team
from .results import parse_tool_result

__all__ = [
    "ACTIVE",
    "LEASE",
    "RESULT_WANTED",
    "StoredResult",
    "complete",
    "create_job",
    "end_unsuccessfully",
    "fail",
    "fenced_job",
    "find_team_job",
    "finish",
    "give_back",
    "no_change",
    "progress",
    "release",
    "requeue",
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
_INSERT_JOB = insert(_jobs).returning(*_jobs.c)
_pipelines = Pipeline.__table__
_DEFAULT_PIPELINE = select(_pipelines.c.id, _pipelines.c.current_version).where(
    _pipelines.c.team_id == bindparam("team"),
    _pipelines.c.is_default.is_(True),
    _pipelines.c.is_valid.is_(True),
    _pipelines.c.is_active.is_(True),
)


def create_job(
    session: Session,
    collection: Collection,
    tool: str,
    *,
    parameters: dict[str, Any] | None = None,
    created_by_id: int | None = None,
    max_attempts: int = 3,
) -> Row[Any]:
    """Queue `tool` on `collection`; a local collection's jobs go to its agent only.

    The job carries the pipeline in force (analysis spec 1.4): the collection's own (its pinned
    version, else the current one), else the team's default. Pipeline Validation needs one.
    Inserted (a row of all the job's columns, not an ORM object: the user API's busiest
    write), not committed: the caller commits it with whatever records it (audit events).
    """
    if tool not in {t.value for t in ToolName}:
        raise InvalidInput(f"unknown tool {tool!r}")
    pipeline_id, version = _pipeline_in_force(session, collection)
    if tool == ToolName.PIPELINE_VALIDATION and pipeline_id is None:
        raise InvalidInput(
            "pipeline_validation needs a pipeline: assign one to the collection or set a team "
            "default"
        )
    job = (
        session.connection()
        .execute(
            _INSERT_JOB,
            {
                "guid": new_guid("job"),
                "team_id": collection.team_id,
                "collection_id": collection.id,
                "agent_id": collection.agent_id,
                "pipeline_id": pipeline_id,
                "pipeline_version": version,
                "tool": tool,
                "parameters": parameters or {},
                "created_by_id": created_by_id,
                "max_attempts": max_attempts,
            },
        )
        .one()
    )
    note_job_event(session, job)
    return job


def _pipeline_in_force(session: Session, collection: Collection) -> tuple[int | None, int | None]:
    if collection.pipeline_id is not None:
        pipeline = session.get(Pipeline, collection.pipeline_id)
        if pipeline is not None and pipeline.is_valid and pipeline.is_active:
            return pipeline.id, collection.pipeline_version or pipeline.current_version
    default = session.connection().execute(_DEFAULT_PIPELINE, {"team": collection.team_id}).first()
    return (default.id, default.current_version) if default else (None, None)


def find_team_job(session: Session, team_id: int, guid: str) -> Job:
    return in_team(session, Job, team_id, guid, "job")


def fenced_job(session: Session, agent: AgentIdentity, guid: str, token: str) -> Job:
    """The job, if this agent holds its current claim; Conflict for a superseded claim."""
    job = find_team_job(session, agent.team_id, guid)
    if job.claimed_by_id != agent.id or job.claim_token_hash != hash_secret(token):
        raise Conflict(SUPERSEDED)
    return job


_FENCE = select(_jobs.c.id, _jobs.c.status, _jobs.c.claimed_by_id, _jobs.c.claim_token_hash).where(
    _jobs.c.guid == bindparam("guid"), _jobs.c.team_id == bindparam("team")
)
_PROGRESS = (
    update(_jobs)
    .where(
        _jobs.c.id == bindparam("job"),
        _jobs.c.claim_token_hash == bindparam("token_hash"),
        _jobs.c.status.in_(ACTIVE),
    )
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
    if fence is None:
        raise NotFound(f"no job {guid}")
    if fence.claimed_by_id != agent.id or fence.claim_token_hash != token_hash:
        raise Conflict(SUPERSEDED)
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


@dataclass(frozen=True, slots=True)
class StoredResult:
    id: int
    guid: str


_RESULT_COLUMNS = ("id", "guid", "team_id", "collection_id", "pipeline_id", "pipeline_version")
_COMPLETING = select(
    *(_jobs.c[name] for name in dict.fromkeys((*_RESULT_COLUMNS, *JOB_VIEW_COLUMNS))),
    _jobs.c.claimed_by_id,
    _jobs.c.claim_token_hash,
    _jobs.c.claim_secret,
).where(_jobs.c.guid == bindparam("guid"), _jobs.c.team_id == bindparam("team"))
_COMPLETE = (
    update(_jobs)
    .where(
        _jobs.c.id == bindparam("job"),
        _jobs.c.claim_token_hash == bindparam("token_hash"),
        _jobs.c.status.in_(RESULT_WANTED),
    )
    .values(status="completed", finished_at=bindparam("now"), lease_expires_at=None, error=None)
    .returning(*(_jobs.c[name] for name in JOB_VIEW_COLUMNS))
)
_results = Result.__table__
_INSERT_RESULT = insert(_results).returning(_results.c.id)


def complete(
    session: Session,
    agent: AgentIdentity,
    vault: Vault,
    guid: str,
    token: str,
    payload: dict[str, Any],
    input_state_hash: str | None,
    signature: str,
) -> StoredResult:
    """Store the signed result; a repeat of the same completion returns the same result.

    The busiest write after the claim, so it runs on Core rows: the job, the job's UPDATE
    (guarded by the claim and the state, so a racing twin finds the job completed), the result's
    INSERT and the collection's numbers."""
    connection = session.connection()
    token_hash = hash_secret(token)
    job = connection.execute(_COMPLETING, {"guid": guid, "team": agent.team_id}).first()
    if job is None:
        raise NotFound(f"no job {guid}")
    if job.claimed_by_id != agent.id or job.claim_token_hash != token_hash:
        raise Conflict(SUPERSEDED)
    repeated = _repeat_or_active(session, job, "completed")
    if repeated is not None:
        return StoredResult(repeated.id, repeated.guid)
    if job.claim_secret is None or not signature_matches(
        vault.decrypt(job.claim_secret), job.guid, input_state_hash, payload, signature
    ):
        raise Forbidden("the result's signature does not match this claim")
    result = parse_tool_result(payload)
    if result.tool != job.tool:
        raise InvalidInput(f"the job runs {job.tool}, not {result.tool}")
    ended = connection.execute(
        _COMPLETE, {"job": job.id, "token_hash": token_hash, "now": utcnow()}
    ).first()
    if ended is None:  # a twin of this call got there first, or the job moved on
        session.rollback()
        return complete(session, agent, vault, guid, token, payload, input_state_hash, signature)
    files, issues = result_counts(result)
    stored = _result_values(
        job,
        agent.id,
        "COMPLETED",
        result.model_dump(mode="json"),
        input_state_hash,
        files_scanned=files,
        issues_found=issues,
    )
    stored_id = connection.execute(_INSERT_RESULT, stored).scalar_one()
    record_stats(session, job.collection_id, result)
    note_job_event(session, ended)
    session.commit()
    return StoredResult(stored_id, stored["guid"])


def _repeat_or_active(session: Session, job: Job | Row[Any], final: str) -> Result | None:
    """The stored result when this call repeats one that already ended the job as `final`;
    None when the job still runs, or waits in the queue after this same claim lost its lease
    (a late result is still the job's result); Conflict when it ended otherwise."""
    if job.status == final:
        existing = stored_result(session, job)
        if existing is not None:
            return existing
    if job.status not in RESULT_WANTED:
        raise Conflict(f"the job is {job.status}; its result is no longer wanted")
    return None


def _result_values(
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


def _commit_once(session: Session, job: Job, result: Result) -> Result:
    """Commit the job's result; if a racing twin of this call committed first, return its."""
    try:
        session.commit()
    except IntegrityError:  # one result per job: the twin won
        session.rollback()
        winner = stored_result(session, job)
        if winner is None:
            raise
        return winner
    return result


def no_change(
    session: Session,
    agent: AgentIdentity,
    guid: str,
    token: str,
    input_state_hash: str,
    source_guid: str,
) -> Result:
    """Complete the job as NO_CHANGE: a copy of an earlier result with the same input state.

    Copies point at the original result (chains collapse), and older copies of the same
    original for the same collection and tool are removed.
    """
    job = fenced_job(session, agent, guid, token)
    repeated = _repeat_or_active(session, job, "no_change")
    if repeated is not None:
        return repeated
    source = session.scalar(
        select(Result).where(Result.guid == source_guid, Result.team_id == job.team_id)
    )
    if source is None:
        raise NotFound(f"no result {source_guid}")
    if source.status not in ANALYSED_STATES:
        raise InvalidInput(f"a {source.status} result cannot be the source of a NO_CHANGE copy")
    if source.collection_id != job.collection_id or source.tool != job.tool:
        raise InvalidInput("that result is of another collection or tool")
    if not input_state_hash or source.input_state_hash != input_state_hash:
        raise InvalidInput("the collection changed since that result: run the analysis instead")
    original = source.source_result_id or source.id
    session.execute(
        delete(Result).where(
            Result.source_result_id == original,
            Result.no_change_copy.is_(True),
            Result.collection_id == job.collection_id,
            Result.tool == job.tool,
        )
    )
    copy = Result(
        **_result_values(
            job,
            agent.id,
            "NO_CHANGE",
            source.results_json,
            input_state_hash,
            no_change_copy=True,
            source_result_id=original,
            files_scanned=source.files_scanned,
            issues_found=source.issues_found,
        )
    )
    session.add(copy)
    finish(job, "no_change")
    return _commit_once(session, job, copy)


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
    values = _result_values(job, job.claimed_by_id, status.upper(), {"error": message}, None)
    session.add(Result(**values))


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
