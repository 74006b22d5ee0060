"""The agent protocol's messages (`/api/agent/v1`), one typed set for both sides.

The coordinator validates what agents send with these models and answers with them; the agent's
client sends them and reads the answers with them; the tests' fake coordinator does both too.
Requests (`Message`) refuse unknown fields and NUL characters, as every coordinator body does;
answers (`Answer`) ignore fields they do not know, so an older agent still understands a newer
coordinator. No Qt, no SQL: only pydantic. The audit calls' messages are in
common/audit_protocol.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "AgentConfig",
    "AgentStatus",
    "Answer",
    "ClaimResponse",
    "CollectionCreate",
    "CollectionOut",
    "CompleteRequest",
    "FailRequest",
    "HeartbeatRequest",
    "HeartbeatResponse",
    "JobOutcome",
    "Message",
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
    "has_nul",
]


def has_nul(value: Any) -> bool:
    """Whether any string in a JSON-like value (keys included) holds a NUL character."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\0" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


class Message(BaseModel):
    """What an agent sends: unknown fields are an error, not silently dropped, and no text may
    hold a NUL character (no database stores one; PostgreSQL fails on it)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        if has_nul(data):
            raise ValueError("NUL characters are not allowed")
        return data


class Answer(BaseModel):
    """What the coordinator answers: fields a newer coordinator adds are ignored."""

    model_config = ConfigDict(extra="ignore")


AgentStatus = Literal["idle", "busy", "paused"]


class RegisterRequest(Message):
    registration_token: str = Field(max_length=200)
    name: str = Field(min_length=1, max_length=200)
    hostname: str = Field(default="", max_length=255)
    platform: str = Field(default="", max_length=100)
    version: str = Field(default="", max_length=50)
    capabilities: list[str] = Field(default_factory=list, max_length=50)
    authorized_roots: list[str] = Field(default_factory=list, max_length=100)


class RegisterResponse(Answer):
    agent_guid: str
    agent_key: str = Field(description="shown once; the coordinator keeps only its hash")
    team_guid: str
    heartbeat_interval: int
    poll_interval: int


class HeartbeatRequest(Message):
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


class HeartbeatResponse(Answer):
    server_time: datetime
    heartbeat_interval: int
    commands: list[dict[str, str]] = Field(description="e.g. {'type': 'cancel_job', 'job': GUID}")


class CollectionOut(Answer):
    guid: str
    name: str
    root_path: str
    pipeline_guid: str | None = Field(
        default=None, description="its own pipeline; none means the team's default"
    )


class CollectionCreate(Message):
    name: str = Field(min_length=1, max_length=200)
    root_path: str = Field(min_length=1, max_length=4096)
    authorized_roots: list[str] | None = Field(
        default=None,
        max_length=100,
        description="the agent's roots now; they replace the reported ones, as a heartbeat's do",
    )


class PreviousResult(Answer):
    guid: str
    input_state_hash: str | None


class ClaimResponse(Answer):
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


class ProgressRequest(Message):
    claim_token: str = Field(max_length=100)
    stage: str = Field(default="", max_length=50)
    percent: float = Field(default=0, ge=0, le=100)
    counts: dict[str, int] = Field(default_factory=dict, max_length=20)
    message: str = Field(default="", max_length=500)


class ProgressResponse(Answer):
    lease_expires_at: datetime
    cancel_requested: bool


class CompleteRequest(Message):
    claim_token: str = Field(max_length=100)
    result: dict[str, Any]
    input_state_hash: str | None = Field(default=None, max_length=64)
    signature: str = Field(min_length=64, max_length=64)


class NoChangeRequest(Message):
    claim_token: str = Field(max_length=100)
    input_state_hash: str = Field(min_length=64, max_length=64)
    source_result_guid: str = Field(max_length=30)


class FailRequest(Message):
    claim_token: str = Field(max_length=100)
    error: str = Field(max_length=4000)
    retryable: bool = False


class ReleaseRequest(Message):
    claim_token: str = Field(max_length=100)


class JobOutcome(Answer):
    job_guid: str
    status: str
    result_guid: str | None = None


class OfflineResult(Message):
    idempotency_key: str = Field(min_length=8, max_length=100)
    collection_guid: str = Field(max_length=30)
    result: dict[str, Any]
    input_state_hash: str | None = Field(default=None, max_length=64)


class UploadOutcome(Answer):
    result_guid: str
    created: bool = Field(description="false when this idempotency key was seen before")


class PipelineOut(Answer):
    guid: str
    name: str
    version: int
    definition: dict[str, Any]


class AgentConfig(Answer):
    config: dict[str, Any] = Field(description="the team's analysis config (TeamConfig fields)")
    default_pipeline: PipelineOut | None
    pipelines: list[PipelineOut] = Field(
        description="the pipelines this agent's collections use, at the version in force"
    )
