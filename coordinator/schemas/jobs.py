"""Request and response bodies of the user API for jobs and results."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from shuttersense.common.results import ToolName

__all__ = ["JobCreate", "JobOut", "ResultDetail", "ResultOut"]


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite drops the zone


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class JobCreate(_Body):
    tool: ToolName = Field(description="the tool to run on the collection")


class JobOut(_Body):
    guid: str
    tool: str
    status: str = Field(description="queued, claimed, running, completed, no_change, failed…")
    collection: str | None = Field(description="the collection's GUID")
    attempts: int
    max_attempts: int
    cancel_requested: bool
    progress: dict[str, Any]
    error: str | None
    created_at: UtcDatetime
    started_at: UtcDatetime | None
    finished_at: UtcDatetime | None


class ResultOut(_Body):
    guid: str
    tool: str
    status: str = Field(description="COMPLETED, FAILED, CANCELLED or NO_CHANGE")
    collection: str | None = Field(description="the collection's GUID")
    files_scanned: int
    issues_found: int
    input_state_hash: str | None
    no_change_copy: bool
    created_at: UtcDatetime


class ResultDetail(ResultOut):
    results: dict[str, Any] = Field(description="the stored result, one of the `common` schemas")
