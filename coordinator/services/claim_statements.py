"""The statements that take a claim, built once at import: building them (and the alias in
`_OLDEST` above all) cost more CPU than running them. A claim is the busiest write of a fleet,
so it is one UPDATE (two for an audit) and one SELECT (`CONTEXT`), run by services/claims.py.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, bindparam, func, literal, or_, select, update

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
from .job_events import JOB_VIEW_COLUMNS
from .job_lifecycle import LEASE

__all__ = ["CLAIM", "CLAIM_SIBLINGS", "CONTEXT", "claim_values"]

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
CLAIM = (
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
CLAIM_SIBLINGS = (
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
# What the agent runs each claimed job on; claims._shared and claims._previous_of read its
# columns by position.
CONTEXT = (
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


def claim_values(agent: AgentIdentity, vault: Vault) -> tuple[str, str, dict[str, Any]]:
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
