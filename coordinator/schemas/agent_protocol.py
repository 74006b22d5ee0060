"""Request and response bodies of the agent protocol (`/api/agent/v1`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from .base import Body

__all__ = [
    "AgentConfig",
    "ClaimResponse",
    "CollectionCreate",
    "CollectionOut",
    "CompleteRequest",
    "FailRequest",
    "HeartbeatRequest",
    "HeartbeatResponse",
    "JobOutcome",
    "NoChangeRequest",
    "OfflineResult",
    "PipelineOut",
    "PreviousResult",
    "ProgressRequest",
    "ProgressResponse",
    "RegisterRequest",
    "RegisterResponse",
    "ReleaseRequest",
    "UploadOutcome",
]

AgentStatus = Literal["idle", "busy", "paused"]


class RegisterRequest(Body):
    registration_token: str = Field(max_length=200)
    name: str = Field(min_length=1, max_length=200)
    hostname: str = Field(default="", max_length=255)
    platform: str = Field(default="", max_length=100)
    version: str = Field(default="", max_length=50)
    capabilities: list[str] = Field(default_factory=list, max_length=50)
    authorized_roots: list[str] = Field(default_factory=list, max_length=100)


class RegisterResponse(Body):
    agent_guid: str
    agent_key: str = Field(description="shown once; the coordinator keeps only its hash")
    team_guid: str
    heartbeat_interval: int
    poll_interval: int


class HeartbeatRequest(Body):
    status: AgentStatus = "idle"
    current_job: str | None = Field(
        default=None, max_length=30, description="the job the agent runs (its lease is renewed)"
    )
    current_jobs: list[Annotated[str, Field(max_length=30)]] = Field(
        default_factory=list,
        max_length=10,
        description="the jobs of the audit the agent runs (their leases are renewed)",
    )
    kept_jobs: list[Annotated[str, Field(max_length=30)]] = Field(
        default_factory=list,
        max_length=50,
        description="jobs whose result the agent keeps to send (their leases are renewed)",
    )
    claim_in_flight: bool = Field(
        default=True,
        description="false only when no claim of the agent is on its way back and none starts "
        "before this heartbeat is answered: then every claim it does not name is released",
    )
    authorized_roots: list[str] | None = Field(default=None, max_length=100)
    capabilities: list[str] | None = Field(default=None, max_length=50)
    metrics: dict[str, Any] = Field(default_factory=dict)


class HeartbeatResponse(Body):
    server_time: datetime
    heartbeat_interval: int
    commands: list[dict[str, str]] = Field(description="e.g. {'type': 'cancel_job', 'job': GUID}")


class CollectionOut(Body):
    guid: str
    name: str
    root_path: str
    pipeline_guid: str | None = Field(
        default=None, description="its own pipeline; none means the team's default"
    )


class CollectionCreate(Body):
    name: str = Field(min_length=1, max_length=200)
    root_path: str = Field(min_length=1, max_length=4096)
    authorized_roots: list[str] | None = Field(
        default=None,
        max_length=100,
        description="the agent's roots now; they replace the reported ones, as a heartbeat's do",
    )


class PreviousResult(Body):
    guid: str
    input_state_hash: str | None


class ClaimResponse(Body):
    job_guid: str
    tool: str
    attempt: int
    parameters: dict[str, Any]
    collection: CollectionOut | None
    pipeline: dict[str, Any] | None = Field(description="the pipeline definition, when needed")
    config: dict[str, Any] = Field(description="the team's analysis config")
    previous_result: PreviousResult | None = Field(
        default=None,
        description="the newest result of this tool on the collection: when the collection's "
        "input-state hash still matches, complete with no-change instead of analysing",
    )
    claim_token: str
    claim_secret: str = Field(description="signs the result (HMAC-SHA256); never sent back")
    lease_expires_at: datetime


class ProgressRequest(Body):
    claim_token: str = Field(max_length=100)
    stage: str = Field(default="", max_length=50)
    percent: float = Field(default=0, ge=0, le=100)
    counts: dict[str, int] = Field(default_factory=dict, max_length=20)
    message: str = Field(default="", max_length=500)


class ProgressResponse(Body):
    lease_expires_at: datetime
    cancel_requested: bool


class CompleteRequest(Body):
    claim_token: str = Field(max_length=100)
    result: dict[str, Any]
    input_state_hash: str | None = Field(default=None, max_length=64)
    signature: str = Field(min_length=64, max_length=64)


class NoChangeRequest(Body):
    claim_token: str = Field(max_length=100)
    input_state_hash: str = Field(min_length=64, max_length=64)
    source_result_guid: str = Field(max_length=30)


class FailRequest(Body):
    claim_token: str = Field(max_length=100)
    error: str = Field(max_length=4000)
    retryable: bool = False


class ReleaseRequest(Body):
    claim_token: str = Field(max_length=100)


class JobOutcome(Body):
    job_guid: str
    status: str
    result_guid: str | None = None


class OfflineResult(Body):
    idempotency_key: str = Field(min_length=8, max_length=100)
    collection_guid: str = Field(max_length=30)
    result: dict[str, Any]
    input_state_hash: str | None = Field(default=None, max_length=64)


class UploadOutcome(Body):
    result_guid: str
    created: bool = Field(description="false when this idempotency key was seen before")


class PipelineOut(Body):
    guid: str
    name: str
    version: int
    definition: dict[str, Any]


class AgentConfig(Body):
    config: dict[str, Any] = Field(description="the team's analysis config (TeamConfig fields)")
    default_pipeline: PipelineOut | None
    pipelines: list[PipelineOut] = Field(
        description="the pipelines this agent's collections use, at the version in force"
    )
