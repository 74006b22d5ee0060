"""Request and response bodies of `/api/agents`: agents, pool status, registration tokens."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ..services.registration import DEFAULT_EXPIRY_HOURS, MAX_EXPIRY_HOURS

__all__ = [
    "AgentOut",
    "AgentRename",
    "PoolStatusOut",
    "RegistrationTokenCreate",
    "RegistrationTokenCreated",
    "RegistrationTokenOut",
    "UtcDatetime",
]


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# SQLite hands back naive datetimes (stored in UTC): answer with an explicit UTC on both DBs.
UtcDatetime = Annotated[datetime, AfterValidator(_utc)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AgentOut(_Body):
    guid: str
    name: str
    hostname: str
    platform: str
    version: str
    status: str = Field(description="idle, busy or paused; offline when silent for 90 s or revoked")
    last_heartbeat_at: UtcDatetime | None
    capabilities: list[Any]
    authorized_roots: list[Any]
    created_at: UtcDatetime
    revoked: bool
    revoked_at: UtcDatetime | None


class AgentRename(_Body):
    name: str = Field(min_length=1, max_length=200)


class PoolStatusOut(_Body):
    total: int
    online: int
    offline: int
    idle: int
    busy: int
    paused: int
    status: Literal["offline", "busy", "available"]


class RegistrationTokenCreate(_Body):
    expires_hours: int = Field(default=DEFAULT_EXPIRY_HOURS, ge=1, le=MAX_EXPIRY_HOURS)


class RegistrationTokenCreated(_Body):
    token: str = Field(description="the `art_…` token, shown once; the coordinator keeps its hash")
    guid: str
    expires_at: UtcDatetime


class RegistrationTokenOut(_Body):
    guid: str
    created_at: UtcDatetime
    expires_at: UtcDatetime
    used_at: UtcDatetime | None
    agent: str | None = Field(description="GUID of the agent this token enrolled")
