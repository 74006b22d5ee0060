"""Claims: handing the oldest queued job to an agent, with what it needs to run it.

A claim is fenced by a token (stored hashed) that every later call about the job must show,
and signed with a per-claim secret (stored encrypted). It is the busiest write of a fleet, so it
is one UPDATE and one SELECT in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, ScalarSelect, bindparam, or_, select, update
from sqlalchemy.orm import Session

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

__all__ = ["Claim", "ClaimedCollection", "PreviousResult", "try_claim"]


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
_CLAIM = (
    update(_jobs)
    .where(_jobs.c.id == _OLDEST, _jobs.c.status == "queued")
    .values(
        status="claimed",
        claimed_by_id=bindparam("claimer"),
        claim_token_hash=bindparam("token_hash"),
        claim_secret=bindparam("secret"),
        lease_expires_at=bindparam("lease"),
        attempts=_jobs.c.attempts + 1,
        started_at=bindparam("now"),
        progress=bindparam("no_progress"),
    )
    .returning(_jobs.c.id, _jobs.c.parameters, _jobs.c.lease_expires_at, *_VIEW)
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
    .where(_jobs.c.id == bindparam("job"))
)


def try_claim(session: Session, agent: AgentIdentity, vault: Vault) -> Claim | None:
    """Claim the oldest queued job this agent may run, or None; committed either way.

    PostgreSQL skips rows other claimers hold (`FOR UPDATE SKIP LOCKED` in the subquery);
    SQLite runs one writer at a time, so the statement is atomic there as well.
    """
    now = utcnow()
    token, secret = new_secret("clm_"), new_secret("")
    connection = session.connection()
    job = connection.execute(
        _CLAIM,
        {
            "team": agent.team_id,
            "claimer": agent.id,
            "now": now,
            "token_hash": hash_secret(token),
            "secret": vault.encrypt(secret),
            "lease": now + LEASE,
            "no_progress": {},
        },
    ).first()
    if job is None:
        session.commit()
        return None
    context = connection.execute(_CONTEXT, {"job": job.id}).one()
    note_job_event(session, job)
    session.commit()
    return _claim(job, token, secret, context)


def _claim(job: Row[Any], token: str, secret: str, context: Row[Any]) -> Claim:
    guid, name, root_path, pipeline_name, pipeline_guid, version, graph, config, *last = context
    pipeline = None
    if pipeline_guid is not None:
        # The stored graph, named as the team knows it, at the version in force.
        pipeline = {
            **(graph or {}),
            "name": pipeline_name,
            "guid": pipeline_guid,
            "version": version,
        }
    return Claim(
        job.guid,
        job.tool,
        job.attempts,
        job.parameters,
        job.lease_expires_at,
        token,
        secret,
        None if guid is None else ClaimedCollection(guid, name, root_path),
        pipeline,
        config or {},
        None if last[0] is None else PreviousResult(*last),
    )
