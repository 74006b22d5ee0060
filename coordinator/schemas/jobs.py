"""Request and response bodies of the user API for jobs and results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from shuttersense.common.results import ToolName

from .base import Body

__all__ = [
    "AuditCreate",
    "AuditOut",
    "JobCreate",
    "JobOut",
    "QueuedAuditOut",
    "ResultDetail",
    "ResultOut",
]


_CHECK_SIDECARS = (
    "PhotoStats reads every XMP sidecar and lists the malformed ones (`invalid_xmp`); null: as "
    "the collection's `check_sidecars` says"
)


class JobCreate(Body):
    tool: ToolName = Field(description="the tool to run on the collection")
    check_sidecars: bool | None = Field(default=None, description=_CHECK_SIDECARS)


class AuditCreate(Body):
    tools: list[ToolName] | None = Field(
        default=None,
        min_length=1,
        max_length=len(ToolName),
        description="the tools to run; null: every tool that applies (Pipeline Validation only "
        "with a pipeline in force)",
    )
    check_sidecars: bool | None = Field(default=None, description=_CHECK_SIDECARS)


class JobOut(Body):
    guid: str
    tool: str
    audit: str | None = Field(
        description="the audit the job belongs to: its agent runs the audit's jobs together"
    )
    parameters: dict[str, Any] = Field(description="e.g. {'check_sidecars': true}")
    status: str = Field(description="queued, claimed, running, completed, no_change, failed…")
    collection: str | None = Field(description="the collection's GUID")
    attempts: int
    max_attempts: int
    cancel_requested: bool
    progress: dict[str, Any]
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class QueuedAuditOut(Body):
    audit: str | None = Field(
        description="the audit queued now; null when every tool was queued or running already"
    )
    queued: list[JobOut] = Field(description="the jobs queued now, in the audit")
    unfinished: list[JobOut] = Field(
        description="the jobs of tools that were queued or running already, left as they are"
    )


class AuditOut(Body):
    guid: str
    collection: str | None = Field(description="the collection's GUID")
    status: str = Field(
        description="running while a job is claimed or running, queued while one waits, "
        "finished once all have ended"
    )
    jobs: list[JobOut]


class ResultOut(Body):
    guid: str
    tool: str
    status: str = Field(description="COMPLETED, FAILED, CANCELLED or NO_CHANGE")
    collection: str | None = Field(description="the collection's GUID")
    files_scanned: int
    issues_found: int
    input_state_hash: str | None
    no_change_copy: bool
    error: str | None = Field(description="why a FAILED or CANCELLED job ended; null otherwise")
    created_at: datetime


class ResultDetail(ResultOut):
    results: dict[str, Any] = Field(description="the stored result, one of the `common` schemas")
