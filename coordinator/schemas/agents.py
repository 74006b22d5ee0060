"""Request and response bodies of `/api/agents`: agents, pool status, registration tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from ..services.registration import DEFAULT_EXPIRY_HOURS, MAX_EXPIRY_HOURS
from .base import Body

__all__ = [
    "AgentOut",
    "AgentRename",
    "PoolStatus",
    "RegistrationTokenCreate",
    "RegistrationTokenCreated",
    "RegistrationTokenOut",
]


class AgentOut(Body):
    guid: str
    name: str
    hostname: str
    platform: str
    version: str
    status: str = Field(description="idle, busy or paused; offline when silent for 90 s or revoked")
    last_heartbeat_at: datetime | None
    capabilities: list[Any]
    authorized_roots: list[Any]
    created_at: datetime
    revoked: bool
    revoked_at: datetime | None


class AgentRename(Body):
    name: str = Field(min_length=1, max_length=200)


class PoolStatus(Body):
    """Agents of the team by state, and an overall status (users and agents alike ask)."""

    total: int
    online: int
    offline: int
    idle: int
    busy: int
    paused: int
    status: Literal["offline", "busy", "available"]


class RegistrationTokenCreate(Body):
    expires_hours: int = Field(default=DEFAULT_EXPIRY_HOURS, ge=1, le=MAX_EXPIRY_HOURS)


class RegistrationTokenCreated(Body):
    token: str = Field(description="the `art_…` token, shown once; the coordinator keeps its hash")
    guid: str
    expires_at: datetime


class RegistrationTokenOut(Body):
    guid: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    agent: str | None = Field(description="GUID of the agent this token enrolled")
