"""Claims: handing the oldest queued job to an agent, with what it needs to run it; to an agent
that knows audits, with the other queued jobs of its audit (one scan runs them all).

A claim is fenced by a token (stored hashed) that every later call about the job must show,
and signed with a per-claim secret (stored encrypted); an audit's jobs share the claim's token
and secret, each job fenced on its own. It is the busiest write of a fleet, so it is one UPDATE
(two for an audit) and one SELECT in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    ScalarSelect,
    bindparam,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from shuttersense.common.results import ToolName

from ..hashed_secrets import hash_secret, new_secret
from ..models import (
    ANALYSED_STATES,
    AnalysisConfig,
    Collection,
    Job,
    Pipeline,
    PipelineVersion,
    Result,
)
from ..models.base import utcnow
from ..vault import Vault
from .agent_identity import AgentIdentity
from .job_events import JOB_VIEW_COLUMNS, note_job_event
from .jobs import LEASE

__all__ = [
    "AuditClaim",
    "Claim",
    "ClaimedCollection",
    "ClaimedJob",
    "PreviousResult",
    "try_claim",
    "try_claim_audit",
]


@dataclass(frozen=True)
class ClaimedCollection:
    guid: str
    name: str
    root_path: str


@dataclass(frozen=True)
class PreviousResult:
    guid: str
    input_state_hash: str | None


@dataclass(frozen=True)
class Claim:
    """The claimed job, its token and secret (shown only now), and what the agent runs it on:
    the collection, the pipeline in force (its graph, named, at the version in force), the
    team's analysis config, and the newest result of the tool on the collection (7.2)."""

    job_guid: str
    tool: str
    attempt: int
    parameters: dict[str, Any]
    lease_expires_at: datetime
    token: str
    secret: str
    collection: ClaimedCollection | None
    pipeline: dict[str, Any] | None
    config: dict[str, Any]
    previous: PreviousResult | None


@dataclass(frozen=True)
class ClaimedJob:
    """One job of a claimed audit, and the newest result of its tool on the collection."""

    guid: str
    tool: str
    attempt: int
    parameters: dict[str, Any]
    previous: PreviousResult | None


@dataclass(frozen=True)
class AuditClaim:
    """The jobs of one audit claimed together, under one token and secret (shown only now),
    and what the agent runs them on (as in Claim)."""

    audit_guid: str
    jobs: list[ClaimedJob]
    lease_expires_at: datetime
    token: str
    secret: str
    collection: ClaimedCollection | None
    pipeline: dict[str, Any] | None
    config: dict[str, Any]


_TOOL_ORDER = [tool.value for tool in ToolName]  # the order an audit's jobs run in
_jobs = Job.__table__
_VIEW = [_jobs.c[name] for name in JOB_VIEW_COLUMNS]


def _oldest(agent: ColumnElement[bool]) -> ScalarSelect[int]:
    """The oldest queued job of the team that `agent` allows and no other claim holds."""
    return (
        select(_jobs.c.id)
        .where(
            _jobs.c.status == "queued",
            agent,
            _jobs.c.team_id == bindparam("team"),
            or_(_jobs.c.not_before.is_(None), _jobs.c.not_before <= bindparam("now")),
        )
        .order_by(_jobs.c.created_at, _jobs.c.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )


# The jobs bound to the agent and the jobs any agent may take are two ordered index scans (the
# first on ix_jobs_queue); one scan with an OR between them reads a bitmap of every version ever
# queued, which grows until VACUUM. The older of the two candidates is claimed.
_OLDEST = (
    select(_jobs.c.id)
    .where(
        _jobs.c.id.in_(
            [_oldest(_jobs.c.agent_id == bindparam("claimer")), _oldest(_jobs.c.agent_id.is_(None))]
        )
    )
    .order_by(_jobs.c.created_at, _jobs.c.id)
    .limit(1)
    .scalar_subquery()
)
# The statements are built once: building them (and the alias above all) cost more CPU than
# running them.
_CLAIMED = {
    "status": "claimed",
    "claimed_by_id": bindparam("claimer"),
    "claim_token_hash": bindparam("token_hash"),
    "claim_secret": bindparam("secret"),
    "lease_expires_at": bindparam("lease"),
    "attempts": _jobs.c.attempts + 1,
    "started_at": bindparam("now"),
    "progress": bindparam("no_progress"),
    # A job queued by a coordinator older than audits is an audit of its own.
    "audit_guid": func.coalesce(
        _jobs.c.audit_guid, literal("adt_").concat(func.substr(_jobs.c.guid, 5))
    ),
}
_RETURNED = (_jobs.c.id, _jobs.c.parameters, _jobs.c.lease_expires_at, *_VIEW)
_CLAIM = (
    update(_jobs)
    .where(_jobs.c.id == _OLDEST, _jobs.c.status == "queued")
    .values(_CLAIMED)
    .returning(
        *_RETURNED,
        _jobs.c.audit_guid,
        _jobs.c.collection_id,
        _jobs.c.pipeline_id,
        _jobs.c.pipeline_version,
    )
)
# The other queued jobs of the first one's audit that this agent may run now, on the same
# collection and pipeline (as they were queued), claimed with it.
_SIBLINGS = (
    select(_jobs.c.id)
    .where(
        _jobs.c.audit_guid == bindparam("audit"),
        _jobs.c.team_id == bindparam("team"),
        _jobs.c.status == "queued",
        or_(_jobs.c.agent_id == bindparam("claimer"), _jobs.c.agent_id.is_(None)),
        or_(_jobs.c.not_before.is_(None), _jobs.c.not_before <= bindparam("now")),
        _jobs.c.collection_id.is_not_distinct_from(bindparam("collection")),
        _jobs.c.pipeline_id.is_not_distinct_from(bindparam("pipeline")),
        _jobs.c.pipeline_version.is_not_distinct_from(bindparam("version")),
    )
    .with_for_update(skip_locked=True)
)
_CLAIM_SIBLINGS = (
    update(_jobs)
    .where(_jobs.c.id.in_(_SIBLINGS), _jobs.c.status == "queued")
    .values(_CLAIMED)
    .returning(*_RETURNED)
)
_results = Result.__table__
_previous = _results.alias("previous")
_NEWEST = (
    select(_results.c.id)
    .where(
        _results.c.team_id == _jobs.c.team_id,  # the leading column of ix_results_target
        _results.c.collection_id == _jobs.c.collection_id,
        _results.c.tool == _jobs.c.tool,
        _results.c.status.in_(ANALYSED_STATES),
    )
    .order_by(_results.c.created_at.desc(), _results.c.id.desc())
    .limit(1)
    .correlate(_jobs)
    .scalar_subquery()
)
_versions, _configs = PipelineVersion.__table__, AnalysisConfig.__table__
_collections, _pipelines = Collection.__table__, Pipeline.__table__
_CONTEXT = (
    select(
        _jobs.c.id,
        _collections.c.guid,
        _collections.c.name,
        _collections.c.root_path,
        _pipelines.c.name,
        _pipelines.c.guid,
        _jobs.c.pipeline_version,
        select(_versions.c.definition)
        .where(
            _versions.c.pipeline_id == _jobs.c.pipeline_id,
            _versions.c.version == _jobs.c.pipeline_version,
        )
        .correlate(_jobs)
        .scalar_subquery(),
        select(_configs.c.config)
        .where(_configs.c.team_id == _jobs.c.team_id)
        .correlate(_jobs)
        .scalar_subquery(),
        _previous.c.guid,
        _previous.c.input_state_hash,
    )
    .select_from(_jobs)
    .outerjoin(_collections, _collections.c.id == _jobs.c.collection_id)
    .outerjoin(_pipelines, _pipelines.c.id == _jobs.c.pipeline_id)
    .outerjoin(_previous, _previous.c.id == _NEWEST)
    .where(_jobs.c.id.in_(bindparam("jobs", expanding=True)))
)


def _claim_values(agent: AgentIdentity, vault: Vault) -> tuple[str, str, dict[str, Any]]:
    """A new claim's token and secret, and the parameters of the statements that take it."""
    now = utcnow()
    token, secret = new_secret("clm_"), new_secret("")
    values = {
        "team": agent.team_id,
        "claimer": agent.id,
        "now": now,
        "token_hash": hash_secret(token),
        "secret": vault.encrypt(secret),
        "lease": now + LEASE,
        "no_progress": {},
    }
    return token, secret, values


def try_claim(session: Session, agent: AgentIdentity, vault: Vault) -> Claim | None:
    """Claim the oldest queued job this agent may run, or None; committed either way.

    PostgreSQL skips rows other claimers hold (`FOR UPDATE SKIP LOCKED` in the subquery);
    SQLite runs one writer at a time, so the statement is atomic there as well. (Agents that
    know audits claim them whole: `try_claim_audit`.)
    """
    token, secret, values = _claim_values(agent, vault)
    connection = session.connection()
    job = connection.execute(_CLAIM, values).first()
    if job is None:
        session.commit()
        return None
    context = connection.execute(_CONTEXT, {"jobs": [job.id]}).one()
    note_job_event(session, job)
    session.commit()
    shared = _shared(context)
    return Claim(
        job.guid,
        job.tool,
        job.attempts,
        job.parameters,
        job.lease_expires_at,
        token,
        secret,
        shared.collection,
        shared.pipeline,
        shared.config,
        _previous_of(context),
    )


def try_claim_audit(session: Session, agent: AgentIdentity, vault: Vault) -> AuditClaim | None:
    """Claim the oldest queued job this agent may run with the other queued jobs of its audit,
    under one token, or None; committed either way."""
    token, secret, values = _claim_values(agent, vault)
    connection = session.connection()
    first = connection.execute(_CLAIM, values).first()
    if first is None:
        session.commit()
        return None
    siblings = connection.execute(
        _CLAIM_SIBLINGS,
        {
            **values,
            "audit": first.audit_guid,
            "collection": first.collection_id,
            "pipeline": first.pipeline_id,
            "version": first.pipeline_version,
        },
    ).all()
    jobs = sorted([first, *siblings], key=lambda job: _TOOL_ORDER.index(job.tool))
    contexts = {
        row.id: row for row in connection.execute(_CONTEXT, {"jobs": [job.id for job in jobs]})
    }
    for job in jobs:
        note_job_event(session, job)
    session.commit()
    shared = _shared(contexts[first.id])
    return AuditClaim(
        first.audit_guid,
        [
            ClaimedJob(
                job.guid, job.tool, job.attempts, job.parameters, _previous_of(contexts[job.id])
            )
            for job in jobs
        ],
        first.lease_expires_at,
        token,
        secret,
        shared.collection,
        shared.pipeline,
        shared.config,
    )


@dataclass(frozen=True)
class _Shared:
    collection: ClaimedCollection | None
    pipeline: dict[str, Any] | None
    config: dict[str, Any]


def _shared(context: Row[Any]) -> _Shared:
    """What a claim's jobs share: the collection, the pipeline in force and the team config."""
    _, guid, name, root_path, pipeline_name, pipeline_guid, version, graph, config, *_ = context
    pipeline = None
    if pipeline_guid is not None:
        # The stored graph, named as the team knows it, at the version in force.
        pipeline = {
            **(graph or {}),
            "name": pipeline_name,
            "guid": pipeline_guid,
            "version": version,
        }
    collection = None if guid is None else ClaimedCollection(guid, name, root_path)
    return _Shared(collection, pipeline, config or {})


def _previous_of(context: Row[Any]) -> PreviousResult | None:
    guid, state_hash = context[-2:]
    return None if guid is None else PreviousResult(guid, state_hash)
