"""Jobs handed to agents, and the results they bring back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, GuidMixin, TeamScoped, Timestamp
from .packed_json import PackedJson

__all__ = [
    "ANALYSED_STATES",
    "JOB_STATES",
    "RESULT_STATES",
    "UNFINISHED_STATES",
    "UNFINISHED_WHERE",
    "Job",
    "Result",
]

JOB_STATES = ("queued", "claimed", "running", "completed", "no_change", "failed", "cancelled")
# A job in one of these states is still to run or running; a collection has at most one per tool.
UNFINISHED_STATES = ("queued", "claimed", "running")
# Spelled out as SQL, for the partial index and for the ON CONFLICT clause that must name it.
UNFINISHED_WHERE = text("status IN ('queued', 'claimed', 'running')")
RESULT_STATES = ("COMPLETED", "FAILED", "CANCELLED", "NO_CHANGE")
# Results that hold an analysis (FAILED and CANCELLED hold only the error).
ANALYSED_STATES = ("COMPLETED", "NO_CHANGE")


class Job(GuidMixin, TeamScoped, Base):
    """One tool to run on one collection, in an audit. A claim is fenced by a token (stored
    hashed) and signed with a per-claim secret (stored encrypted with the master key)."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_claimable", "status", "agent_id", "not_before"),
        # The queue as claims read it, oldest first per agent. Partial, so it holds queued
        # versions only, and read by plain index scans, which skip the versions that have
        # left the queue from then on (a bitmap scan visits them until the next VACUUM).
        Index(
            "ix_jobs_queue",
            "agent_id",
            "team_id",
            "created_at",
            "id",
            postgresql_where=text("status = 'queued'"),
            sqlite_where=text("status = 'queued'"),
        ),
        Index("ix_jobs_claimed_by", "claimed_by_id", "status"),  # heartbeats renew leases
        # One unfinished job per collection and tool: queueing it again finds the first.
        Index(
            "uq_jobs_unfinished",
            "collection_id",
            "tool",
            unique=True,
            postgresql_where=UNFINISHED_WHERE,
            sqlite_where=UNFINISHED_WHERE,
        ),
    )

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    collection_id: Mapped[int | None] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE"), index=True
    )
    pipeline_id: Mapped[int | None] = mapped_column(ForeignKey("pipelines.id", ondelete="SET NULL"))
    pipeline_version: Mapped[int | None] = mapped_column(Integer)
    tool: Mapped[str] = mapped_column(String(40))
    # The jobs queued together on the collection: an agent claims them together and runs them
    # on one scan. A job queued alone is an audit of its own.
    audit_guid: Mapped[str | None] = mapped_column(String(30), index=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    claim_token_hash: Mapped[str | None] = mapped_column(String(64))
    claim_secret: Mapped[str | None] = mapped_column(String(400))
    lease_expires_at: Mapped[datetime | None] = mapped_column(Timestamp)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    not_before: Mapped[datetime | None] = mapped_column(Timestamp)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    progress: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    started_at: Mapped[datetime | None] = mapped_column(Timestamp)
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp)


class Result(GuidMixin, TeamScoped, Base):
    """What an analysis produced: the `common` result schema as JSON, and how it came about."""

    __tablename__ = "results"
    __table_args__ = (
        UniqueConstraint("agent_id", "idempotency_key"),
        UniqueConstraint("job_id"),  # one result per job, however often it is completed
        Index("ix_results_target", "team_id", "collection_id", "tool", "created_at"),
        Index("ix_results_age", "team_id", "created_at"),  # retention reads the oldest first
    )

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    collection_id: Mapped[int | None] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE")
    )
    pipeline_id: Mapped[int | None] = mapped_column(ForeignKey("pipelines.id", ondelete="SET NULL"))
    pipeline_version: Mapped[int | None] = mapped_column(Integer)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    tool: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    results_json: Mapped[dict[str, Any]] = mapped_column(PackedJson, default=dict)
    input_state_hash: Mapped[str | None] = mapped_column(String(64))
    no_change_copy: Mapped[bool] = mapped_column(Boolean, default=False)
    source_result_id: Mapped[int | None] = mapped_column(
        ForeignKey("results.id", ondelete="SET NULL"), index=True
    )
    files_scanned: Mapped[int] = mapped_column(Integer, default=0)
    issues_found: Mapped[int] = mapped_column(Integer, default=0)
    # What the trends sum (services/trend_metrics.counts), kept beside the result so that
    # reading them never unpacks the result; NULL for rows stored before it was kept.
    trend_counts: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
