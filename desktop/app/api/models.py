"""What the coordinator's user API answers, as typed values (unknown fields are ignored, so a
newer coordinator that adds some does not break the app)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Agent",
    "Collection",
    "Comparison",
    "CreatedToken",
    "Health",
    "JobSummary",
    "PathPreview",
    "Pipeline",
    "PipelineDetail",
    "PipelinePreview",
    "PoolStatus",
    "QueuedAudit",
    "RegistrationToken",
    "RegistrationTokenInfo",
    "ResultDetail",
    "ResultSummary",
    "SeriesPoint",
    "Team",
    "Trend",
    "TrendPoint",
    "User",
    "Validation",
]


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Health(_Answer):
    status: str
    version: str
    database: str


class Team(_Answer):
    guid: str
    name: str


class User(_Answer):
    guid: str
    email: str
    role: str
    team: Team

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class CreatedToken(_Answer):
    guid: str
    name: str
    token: str


class RegistrationToken(_Answer):
    guid: str
    token: str
    expires_at: datetime


class Collection(_Answer):
    guid: str
    name: str
    root_path: str
    agent: str | None = None
    pipeline: str | None = None
    pipeline_version: int | None = None
    file_count: int | None = None
    storage_bytes: int | None = None
    image_count: int | None = None


class ResultSummary(_Answer):
    guid: str
    tool: str
    status: str
    collection: str | None = None
    files_scanned: int
    issues_found: int
    no_change_copy: bool = False
    error: str | None = None
    created_at: datetime


class ResultDetail(ResultSummary):
    results: dict[str, Any] = Field(default_factory=dict)  # the stored result, a common schema


class JobSummary(_Answer):
    guid: str
    tool: str
    status: str
    audit: str | None = None  # the audit it is part of: its agent runs the audit's jobs together
    collection: str | None = None
    attempts: int = 0
    max_attempts: int = 0
    cancel_requested: bool = False
    progress: dict[str, Any] = Field(default_factory=dict)  # stage, percent, counts, message
    error: str | None = None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None


class QueuedAudit(_Answer):
    """`POST /api/collections/{guid}/audits`: the audit queued now (None when every tool asked
    for was queued or running already), its jobs, and the jobs left as they were."""

    audit: str | None = None
    queued: list[JobSummary] = Field(default_factory=list)
    unfinished: list[JobSummary] = Field(default_factory=list)

    def jobs(self) -> list[JobSummary]:
        return [*self.queued, *self.unfinished]


class PoolStatus(_Answer):
    total: int
    online: int
    offline: int
    idle: int
    busy: int
    paused: int = 0
    status: str


class TrendPoint(_Answer):
    date: str
    metrics: dict[str, Any] | None = None


class Trend(_Answer):
    points: list[TrendPoint] = Field(default_factory=list)


class SeriesPoint(_Answer):
    """One result of one collection in a trend (comparison mode: its day's last result)."""

    date: str
    created_at: datetime
    metrics: dict[str, Any] = Field(default_factory=dict)


class _Series(_Answer):
    collection: str
    points: list[SeriesPoint] = Field(default_factory=list)


class Comparison(_Answer):
    """A trend in comparison mode: one series per collection asked for."""

    series: list[_Series] = Field(default_factory=list)


class Pipeline(_Answer):
    guid: str
    name: str
    description: str = ""
    current_version: int
    is_valid: bool
    is_active: bool
    is_default: bool
    errors: list[str] = Field(default_factory=list)
    updated_at: datetime


class PipelineDetail(Pipeline):
    definition: dict[str, Any]
    warnings: list[str] = Field(default_factory=list)


class Validation(_Answer):
    is_valid: bool
    errors: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    path_count: int | None = None


class PathPreview(_Answer):
    nodes: list[str]
    termination: str
    filenames: list[str]


class PipelinePreview(_Answer):
    base: str
    suffix: str = ""
    paths: list[PathPreview] = Field(default_factory=list)
    truncated_paths: int = 0


class Agent(_Answer):
    guid: str
    name: str
    hostname: str = ""
    platform: str = ""
    version: str = ""
    status: str
    last_heartbeat_at: datetime | None = None
    created_at: datetime
    revoked: bool = False


class RegistrationTokenInfo(_Answer):
    """A registration token as listed: the token itself is never shown again."""

    guid: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    agent: str | None = None
