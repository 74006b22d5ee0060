"""Completing a job: its signed result, or a NO_CHANGE copy of an earlier result, stored once.

A repeat of the same completion (the agent did not hear the answer) returns the stored result;
a racing twin of the call finds the job completed and answers as a repeat.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..hashed_secrets import hash_secret
from ..models import ANALYSED_STATES, Job, Result
from ..models.base import utcnow
from ..vault import Vault
from .agent_identity import AgentIdentity
from .collection_stats import record_stats
from .job_events import JOB_VIEW_COLUMNS, note_job_event
from .job_lifecycle import (
    RESULT_WANTED,
    check_fence,
    fenced_job,
    fenced_update,
    finish,
    result_values,
    stored_result,
)
from .result_documents import ResultDocument

__all__ = ["StoredResult", "complete", "no_change"]

_jobs = Job.__table__


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
    fenced_update(RESULT_WANTED)
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
    document: ResultDocument,
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
    job = check_fence(job, guid, agent, token_hash)
    repeated = _repeat_or_active(session, job, "completed")
    if repeated is not None:
        return StoredResult(repeated.id, repeated.guid)
    if job.claim_secret is None or not document.signed(
        vault, job.claim_secret, job.guid, input_state_hash, signature
    ):
        raise Forbidden("the result's signature does not match this claim")
    facts = document.facts()
    if facts.tool != job.tool:
        raise InvalidInput(f"the job runs {job.tool}, not {facts.tool}")
    ended = connection.execute(
        _COMPLETE, {"job": job.id, "token_hash": token_hash, "now": utcnow()}
    ).first()
    if ended is None:  # a twin of this call got there first, or the job moved on
        session.rollback()
        return complete(session, agent, vault, guid, token, document, input_state_hash, signature)
    stored = result_values(
        job,
        agent.id,
        "COMPLETED",
        facts.stored,
        input_state_hash,
        files_scanned=facts.files_scanned,
        issues_found=facts.issues_found,
        trend_counts=facts.trend_counts,
    )
    stored_id = connection.execute(_INSERT_RESULT, stored).scalar_one()
    record_stats(session, job.collection_id, facts.stats)
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


def _commit_once(
    session: Session, job: Job, result: Result, *, then: Callable[[], None] | None = None
) -> Result:
    """Commit the job's result (`then` runs once its row is written, in the same transaction);
    if a racing twin of this call committed first, return its."""
    try:
        if then is not None:
            session.flush()
            then()
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
        select(Result)
        .options(defer(Result.results_json))  # copied in SQL below, never read here
        .where(Result.guid == source_guid, Result.team_id == job.team_id)
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
        **result_values(
            job,
            agent.id,
            "NO_CHANGE",
            {},  # the source's JSON, as stored (packed or not), once the row is there
            input_state_hash,
            no_change_copy=True,
            source_result_id=original,
            files_scanned=source.files_scanned,
            issues_found=source.issues_found,
            trend_counts=source.trend_counts,
        )
    )
    session.add(copy)
    finish(job, "no_change")
    return _commit_once(session, job, copy, then=lambda: _copy_json(session, copy, source.id))


def _copy_json(session: Session, copy: Result, source_id: int) -> None:
    """The copy's JSON set from the source's inside the database: a result of megabytes is
    neither unpacked nor packed again in this process."""
    stored = select(Result.results_json).where(Result.id == source_id).scalar_subquery()
    session.execute(
        update(Result).where(Result.id == copy.id).values(results_json=stored),
        execution_options={"synchronize_session": False},
    )
    session.expire(copy, ["results_json"])
