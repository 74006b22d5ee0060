"""What the coordinator's user API answers, as typed values (unknown fields are ignored, so a
newer coordinator that adds some does not break the app)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Collection",
    "CreatedToken",
    "Health",
    "JobSummary",
    "PoolStatus",
    "RegistrationToken",
    "ResultSummary",
    "Team",
    "Trend",
    "TrendPoint",
    "User",
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


class JobSummary(_Answer):
    guid: str
    tool: str
    status: str
    collection: str | None = None
    error: str | None = None
    created_at: datetime
    finished_at: datetime | None = None


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
