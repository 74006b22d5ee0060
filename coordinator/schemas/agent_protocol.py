"""Request and response bodies of the agent protocol (`/api/agent/v1`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "HeartbeatRequest",
    "HeartbeatResponse",
    "PoolStatus",
    "RegisterRequest",
    "RegisterResponse",
]

AgentStatus = Literal["idle", "busy", "paused"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegisterRequest(_Body):
    registration_token: str = Field(max_length=200)
    name: str = Field(min_length=1, max_length=200)
    hostname: str = Field(default="", max_length=255)
    platform: str = Field(default="", max_length=100)
    version: str = Field(default="", max_length=50)
    capabilities: list[str] = Field(default_factory=list, max_length=50)
    authorized_roots: list[str] = Field(default_factory=list, max_length=100)


class RegisterResponse(_Body):
    agent_guid: str
    agent_key: str = Field(description="shown once; the coordinator keeps only its hash")
    team_guid: str
    heartbeat_interval: int
    poll_interval: int


class HeartbeatRequest(_Body):
    status: AgentStatus = "idle"
    current_job: str | None = Field(default=None, max_length=30)
    authorized_roots: list[str] | None = Field(default=None, max_length=100)
    capabilities: list[str] | None = Field(default=None, max_length=50)
    metrics: dict[str, Any] = Field(default_factory=dict)


class HeartbeatResponse(_Body):
    server_time: datetime
    heartbeat_interval: int
    commands: list[dict[str, str]] = Field(description="e.g. {'type': 'cancel_job', 'job': GUID}")


class PoolStatus(_Body):
    total: int
    online: int
    offline: int
    idle: int
    busy: int
    paused: int
    status: Literal["offline", "busy", "available"]
