"""An agent's calls about a claimed audit: progress for all its jobs at once, and the jobs'
outcomes delivered together.

Each outcome is taken or refused on its own, through the very services of the per-job calls
(completion.complete, completion.no_change, job_lifecycle.fail): the same checks (fence, signature,
schema), the same idempotency (a repeated delivery answers the stored results), one result per
job. A job whose claim was superseded, or whose result is refused, does not hold the others up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from ..errors import Conflict, NotFound, ServiceError
from ..hashed_secrets import hash_secret
from ..models import Job
from ..models.base import utcnow
from ..schemas.agent_audits import AuditOutcome, CompleteOutcome, NoChangeOutcome
from ..vault import Vault
from . import completion, job_lifecycle
from .agent_identity import AgentIdentity
from .job_events import JOB_VIEW_COLUMNS, note_job_event
from .result_documents import Payload, ResultDocument

__all__ = ["Answer", "audit_progress", "deliver_outcomes", "held_jobs"]

Documents = Callable[[dict[str, Any]], ResultDocument]  # an outcome's result, as services take it

_jobs = Job.__table__
_FENCED = (
    _jobs.c.audit_guid == bindparam("audit"),
    _jobs.c.team_id == bindparam("team"),
    _jobs.c.claimed_by_id == bindparam("claimer"),
    _jobs.c.claim_token_hash == bindparam("token_hash"),
)
_HELD = select(_jobs.c.id, _jobs.c.status).where(
    *_FENCED, _jobs.c.status.in_(bindparam("states", expanding=True))
)
_PROGRESS = (
    job_lifecycle.fenced_update(job_lifecycle.ACTIVE)
    .values(status="running", progress=bindparam("report"), lease_expires_at=bindparam("lease"))
    .returning(_jobs.c.lease_expires_at, *(_jobs.c[name] for name in JOB_VIEW_COLUMNS))
)
_IN_TEAM = select(_jobs.c.guid).where(
    _jobs.c.audit_guid == bindparam("audit"), _jobs.c.team_id == bindparam("team")
)


@dataclass(frozen=True)
class Answer:
    """What became of one outcome: the job's state and result, or why it was refused."""

    job_guid: str
    status: str
    result_guid: str | None = None
    refused_status: int | None = None
    detail: str | None = None


def _audit_jobs(session: Session, agent: AgentIdentity, guid: str) -> list[str]:
    """The GUIDs of the audit's jobs; NotFound for an audit the agent's team does not have."""
    found = list(session.connection().execute(_IN_TEAM, {"audit": guid, "team": agent.team_id}))
    if not found:
        raise NotFound(f"no audit {guid}")
    return [row.guid for row in found]


def held_jobs(
    session: Session,
    agent: AgentIdentity,
    guid: str,
    token_hash: str,
    states: tuple[str, ...] = job_lifecycle.RESULT_WANTED,
) -> list[Row[Any]]:
    """The audit's jobs (id, status) the claim of `token_hash` holds in one of `states` (by
    default: those whose result is still wanted); NotFound for another team's audit, Conflict
    when the claim holds none of them any more."""
    fence = {"audit": guid, "team": agent.team_id, "claimer": agent.id, "states": list(states)}
    rows = session.connection().execute(_HELD, {**fence, "token_hash": token_hash}).all()
    if not rows:
        _audit_jobs(session, agent, guid)
        raise Conflict(job_lifecycle.SUPERSEDED)
    return rows


def audit_progress(
    session: Session, agent: AgentIdentity, guid: str, token: str, report: dict[str, Any]
) -> list[Row[Any]]:
    """Record the audit's progress on each of its jobs this claim holds and renew their leases.
    Returns those jobs (guid, lease_expires_at, cancel_requested…); the caller tells the agent
    which it still holds and which were cancelled."""
    token_hash = hash_secret(token)
    before = held_jobs(session, agent, guid, token_hash, job_lifecycle.ACTIVE)
    connection = session.connection()
    lease = utcnow() + job_lifecycle.LEASE
    renewed = []
    for held in before:
        values = {"job": held.id, "token_hash": token_hash, "report": report, "lease": lease}
        job = connection.execute(_PROGRESS, values).first()
        if job is None:  # the sweeper or another call ended it meanwhile
            continue
        if held.status != "running":
            note_job_event(session, job)
        note_job_event(session, job, "progress")
        renewed.append(job)
    if not renewed:
        session.rollback()
        raise Conflict(job_lifecycle.SUPERSEDED)
    session.commit()
    return renewed


def _deliver_one(
    session: Session,
    agent: AgentIdentity,
    vault: Vault,
    token: str,
    outcome: AuditOutcome,
    documents: Documents,
) -> Answer:
    guid = outcome.job_guid
    if isinstance(outcome, CompleteOutcome):
        stored = completion.complete(
            session,
            agent,
            vault,
            guid,
            token,
            documents(outcome.result),
            outcome.input_state_hash,
            outcome.signature,
        )
        return Answer(guid, "completed", stored.guid)
    if isinstance(outcome, NoChangeOutcome):
        copy = completion.no_change(
            session, agent, guid, token, outcome.input_state_hash, outcome.source_result_guid
        )
        return Answer(guid, "no_change", copy.guid)
    job = job_lifecycle.fail(session, agent, guid, token, outcome.error, outcome.retryable)
    ended = job_lifecycle.stored_result(session, job)  # the FAILED or CANCELLED result, if it ended
    return Answer(guid, job.status, ended.guid if ended else None)


def deliver_outcomes(
    session: Session,
    agent: AgentIdentity,
    vault: Vault,
    guid: str,
    token: str,
    outcomes: list[AuditOutcome],
    documents: Documents = Payload,
) -> list[Answer]:
    """Take each job's outcome on its own (module docstring); one answer per outcome, in order.
    `documents` takes each result as the services do (read in this process, by default).
    NotFound only for an audit the agent's team does not have."""
    members = set(_audit_jobs(session, agent, guid))
    session.commit()
    answers = []
    for outcome in outcomes:
        if outcome.job_guid not in members:
            detail = f"job {outcome.job_guid} is not in audit {guid}"
            answers.append(Answer(outcome.job_guid, "refused", None, 404, detail))
            continue
        try:
            answers.append(_deliver_one(session, agent, vault, token, outcome, documents))
        except ServiceError as exc:
            session.rollback()
            answers.append(Answer(outcome.job_guid, "refused", None, exc.status, str(exc)))
    return answers
