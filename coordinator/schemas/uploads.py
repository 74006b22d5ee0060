"""Request and response bodies of the chunked upload (`/api/agent/v1/uploads`)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, model_validator

from .agent_audits import OutcomeAnswer
from .base import Body

__all__ = ["ChunkReceived", "UploadFinish", "UploadFinished", "UploadOpened", "UploadStart"]

_SHA256 = r"^[0-9a-f]{64}$"


class UploadStart(Body):
    """For a claimed job: `job_guid` and `claim_token`. For the outcomes of a claimed audit:
    `audit_guid` and `claim_token`. For a result made offline: `collection_guid` and
    `idempotency_key`."""

    job_guid: str | None = Field(default=None, max_length=30)
    audit_guid: str | None = Field(default=None, max_length=30)
    claim_token: str | None = Field(default=None, max_length=100)
    collection_guid: str | None = Field(default=None, max_length=30)
    idempotency_key: str | None = Field(default=None, min_length=8, max_length=100)
    total_size: int = Field(gt=0, description="bytes of the whole JSON document")
    chunk_count: int = Field(gt=0)

    @model_validator(mode="after")
    def _one_target(self) -> UploadStart:
        given = {name for name, value in self if value is not None} & _TARGET_FIELDS
        if given not in _TARGETS:
            raise ValueError(
                "give job_guid and claim_token, audit_guid and claim_token, or collection_guid "
                "and idempotency_key"
            )
        return self


_TARGETS = (
    {"job_guid", "claim_token"},
    {"audit_guid", "claim_token"},
    {"collection_guid", "idempotency_key"},
)
_TARGET_FIELDS = set().union(*_TARGETS)


class UploadOpened(Body):
    upload_guid: str
    max_chunk_size: int = Field(description="bytes a chunk may hold at most")
    expires_at: datetime = Field(description="renewed by every chunk")


class ChunkReceived(Body):
    position: int
    stored: bool = Field(description="false when this chunk had arrived before")


class UploadFinish(Body):
    sha256: str = Field(pattern=_SHA256, description="SHA-256 (hex) of the whole JSON")
    input_state_hash: str | None = Field(default=None, max_length=64)
    claim_token: str | None = Field(
        default=None, max_length=100, description="a job's or an audit's upload"
    )
    signature: str | None = Field(
        default=None, min_length=64, max_length=64, description="as for /complete (a job's upload)"
    )


class UploadFinished(Body):
    result_guid: str | None = Field(description="the result stored; null for an audit's upload")
    job_guid: str | None = Field(description="the job the result completed; null when offline")
    outcomes: list[OutcomeAnswer] | None = Field(
        default=None,
        description="an audit's upload: what became of each job, as /audits/{guid}/complete "
        "answers",
    )
