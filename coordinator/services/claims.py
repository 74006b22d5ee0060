"""Claims: handing the oldest queued job to an agent, with what it needs to run it.

A claim is fenced by a token (stored hashed) that every later call about the job must show,
and signed with a per-claim secret (stored encrypted). It is the busiest write of a fleet, so it
is one UPDATE and one SELECT in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, aliased

from ..hashed_secrets import hash_secret, new_secret
from ..models import (
    ANALYSED_STATES,
    Agent,
    AnalysisConfig,
    Collection,
    Job,
    Pipeline,
    PipelineVersion,
    Result,
)
from ..models.base import utcnow
from ..vault import Vault
from .job_events import job_changed
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

    job: Job
    token: str
    secret: str
    collection: ClaimedCollection | None
    pipeline: dict[str, Any] | None
    config: dict[str, Any]
    previous: PreviousResult | None


def try_claim(session: Session, agent: Agent, vault: Vault) -> Claim | None:
    """Claim the oldest queued job this agent may run, or None; committed either way.

    PostgreSQL skips rows other claimers hold (`FOR UPDATE SKIP LOCKED` in the subquery);
    SQLite runs one writer at a time, so the statement is atomic there as well.
    """
    now = utcnow()
    oldest = (
        select(Job.id)
        .where(
            Job.team_id == agent.team_id,
            Job.status == "queued",
            or_(Job.agent_id.is_(None), Job.agent_id == agent.id),
            or_(Job.not_before.is_(None), Job.not_before <= now),
        )
        .order_by(Job.created_at, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    token, secret = new_secret("clm_"), new_secret("")
    job = session.scalars(
        update(Job)
        .where(Job.id == oldest, Job.status == "queued")
        .values(
            status="claimed",
            claimed_by_id=agent.id,
            claim_token_hash=hash_secret(token),
            claim_secret=vault.encrypt(secret),
            lease_expires_at=now + LEASE,
            attempts=Job.attempts + 1,
            started_at=now,
            progress={},
        )
        .returning(Job)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    if job is None:
        session.commit()
        return None
    claim = _with_context(session, job, token, secret)
    job_changed(job)
    session.commit()
    return claim


def _with_context(session: Session, job: Job, token: str, secret: str) -> Claim:
    definition = select(PipelineVersion.definition).where(
        PipelineVersion.pipeline_id == job.pipeline_id,
        PipelineVersion.version == job.pipeline_version,
    )
    config = select(AnalysisConfig.config).where(AnalysisConfig.team_id == job.team_id)
    newest = (
        select(Result.id)
        .where(
            Result.collection_id == job.collection_id,
            Result.tool == job.tool,
            Result.status.in_(ANALYSED_STATES),
        )
        .order_by(Result.created_at.desc(), Result.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    previous = aliased(Result)
    row = session.execute(
        select(
            Collection.guid,
            Collection.name,
            Collection.root_path,
            Pipeline.name,
            Pipeline.guid,
            definition.scalar_subquery(),
            config.scalar_subquery(),
            previous.guid,
            previous.input_state_hash,
        )
        .select_from(Job)
        .outerjoin(Collection, Collection.id == Job.collection_id)
        .outerjoin(Pipeline, Pipeline.id == Job.pipeline_id)
        .outerjoin(previous, previous.id == newest)
        .where(Job.id == job.id)
    ).one()
    guid, name, root_path, pipeline_name, pipeline_guid, graph, team_config, *last = row
    pipeline = None
    if pipeline_guid is not None:
        # The stored graph, named as the team knows it, at the version in force.
        pipeline = {
            **(graph or {}),
            "name": pipeline_name,
            "guid": pipeline_guid,
            "version": job.pipeline_version,
        }
    return Claim(
        job,
        token,
        secret,
        None if guid is None else ClaimedCollection(guid, name, root_path),
        pipeline,
        team_config or {},
        None if last[0] is None else PreviousResult(*last),
    )
