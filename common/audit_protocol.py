"""The agent protocol's audit messages (`/api/agent/v1/audits`): the claim of an audit's jobs,
progress for all of them, and their outcomes delivered together. Typed as in
common/agent_protocol.py (requests are `Message`s, answers `Answer`s) and shared the same way by
the coordinator, the agent's client and the tests' fake coordinator."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from .agent_protocol import Answer, CollectionOut, Message, PreviousResult

__all__ = [
    "AuditClaimResponse",
    "AuditCompleteRequest",
    "AuditCompleteResponse",
    "AuditJob",
    "AuditOutcome",
    "AuditOutcomes",
    "AuditProgressResponse",
    "CompleteOutcome",
    "FailOutcome",
    "JobHeld",
    "NoChangeOutcome",
    "OutcomeAnswer",
]


class AuditJob(Answer):
    job_guid: str
    tool: str
    attempt: int
    parameters: dict[str, Any] = Field(description="e.g. {'check_sidecars': true}")
    previous_result: PreviousResult | None = Field(
        default=None,
        description="the newest result of this tool on the collection: when the collection's "
        "input-state hash still matches, send a no_change outcome instead of analysing",
    )


class AuditClaimResponse(Answer):
    audit_guid: str
    collection: CollectionOut | None
    pipeline: dict[str, Any] | None = Field(description="the pipeline definition, when needed")
    config: dict[str, Any] = Field(description="the team's analysis config")
    jobs: list[AuditJob] = Field(description="one per tool, in the order they run")
    claim_token: str = Field(description="fences every later call about these jobs")
    claim_secret: str = Field(description="signs each result (HMAC-SHA256); never sent back")
    lease_expires_at: datetime


class JobHeld(Answer):
    job_guid: str
    cancel_requested: bool


class AuditProgressResponse(Answer):
    lease_expires_at: datetime
    jobs: list[JobHeld] = Field(description="the jobs of the audit this claim still holds")


class CompleteOutcome(Message):
    kind: Literal["complete"]
    job_guid: str = Field(max_length=30)
    result: dict[str, Any]
    input_state_hash: str | None = Field(default=None, max_length=64)
    signature: str = Field(min_length=64, max_length=64, description="as for /jobs/{guid}/complete")


class NoChangeOutcome(Message):
    kind: Literal["no_change"]
    job_guid: str = Field(max_length=30)
    input_state_hash: str = Field(min_length=64, max_length=64)
    source_result_guid: str = Field(max_length=30)


class FailOutcome(Message):
    kind: Literal["fail"]
    job_guid: str = Field(max_length=30)
    error: str = Field(max_length=4000)
    retryable: bool = False


AuditOutcome = Annotated[
    CompleteOutcome | NoChangeOutcome | FailOutcome, Field(discriminator="kind")
]


class AuditOutcomes(Message):
    """What became of each job of a claimed audit: the document `POST /audits/{guid}/complete`
    takes (with the claim token) and a chunked upload for the audit carries."""

    outcomes: list[AuditOutcome] = Field(min_length=1, max_length=10)

    @model_validator(mode="after")
    def _each_job_once(self) -> AuditOutcomes:
        guids = [outcome.job_guid for outcome in self.outcomes]
        if len(set(guids)) != len(guids):
            raise ValueError("a job has one outcome")
        return self


class AuditCompleteRequest(AuditOutcomes):
    claim_token: str = Field(max_length=100)


class OutcomeAnswer(Answer):
    job_guid: str
    status: str = Field(
        description="what the job became (completed, no_change, queued, failed, cancelled), or "
        "`refused` with the reason: each job's outcome is taken or refused on its own"
    )
    result_guid: str | None = None
    refused_status: int | None = Field(
        default=None, description="the HTTP status the per-job call would have answered"
    )
    detail: str | None = None


class AuditCompleteResponse(Answer):
    outcomes: list[OutcomeAnswer]
