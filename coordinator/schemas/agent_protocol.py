"""Request and response bodies of the agent protocol (`/api/agent/v1`): the one typed set in
common/agent_protocol.py, which the agent and the tests' fake coordinator use too."""

from __future__ import annotations

from shuttersense.common.agent_protocol import (
    AgentConfig,
    ClaimResponse,
    CollectionCreate,
    CollectionOut,
    CompleteRequest,
    FailRequest,
    HeartbeatRequest,
    HeartbeatResponse,
    JobOutcome,
    NoChangeRequest,
    OfflineResult,
    PipelineOut,
    PreviousResult,
    ProgressRequest,
    ProgressResponse,
    RegisterRequest,
    RegisterResponse,
    ReleaseRequest,
    UploadOutcome,
)

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
