"""Request and response bodies of the user API for jobs and results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from shuttersense.common.results import ToolName

from .base import Body

__all__ = ["JobCreate", "JobOut", "ResultDetail", "ResultOut"]


class JobCreate(Body):
    tool: ToolName = Field(description="the tool to run on the collection")


class JobOut(Body):
    guid: str
    tool: str
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
