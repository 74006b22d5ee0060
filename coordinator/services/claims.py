"""Claims: handing the oldest queued job to an agent, with what it needs to run it; to an agent
that knows audits, with the other queued jobs of its audit (one scan runs them all).

A claim is fenced by a token (stored hashed) that every later call about the job must show,
and signed with a per-claim secret (stored encrypted); an audit's jobs share the claim's token
and secret, each job fenced on its own. It is the busiest write of a fleet, so it is one UPDATE
(two for an audit) and one SELECT in one transaction (services/claim_statements.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from shuttersense.common.results import ToolName

from ..vault import Vault
from .agent_identity import AgentIdentity
from .claim_statements import CLAIM, CLAIM_SIBLINGS, CONTEXT, claim_values
from .job_events import note_job_event

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


def try_claim(session: Session, agent: AgentIdentity, vault: Vault) -> Claim | None:
    """Claim the oldest queued job this agent may run, or None; committed either way.

    PostgreSQL skips rows other claimers hold (`FOR UPDATE SKIP LOCKED` in the subquery);
    SQLite runs one writer at a time, so the statement is atomic there as well. (Agents that
    know audits claim them whole: `try_claim_audit`.)
    """
    token, secret, values = claim_values(agent, vault)
    connection = session.connection()
    job = connection.execute(CLAIM, values).first()
    if job is None:
        session.commit()
        return None
    context = connection.execute(CONTEXT, {"jobs": [job.id]}).one()
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
    token, secret, values = claim_values(agent, vault)
    connection = session.connection()
    first = connection.execute(CLAIM, values).first()
    if first is None:
        session.commit()
        return None
    siblings = connection.execute(
        CLAIM_SIBLINGS,
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
        row.id: row for row in connection.execute(CONTEXT, {"jobs": [job.id for job in jobs]})
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
