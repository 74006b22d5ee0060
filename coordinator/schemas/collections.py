"""Request and response bodies of `/api/collections`."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from .base import Body

__all__ = ["CollectionCreate", "CollectionOut", "CollectionUpdate", "PipelineAssignment"]


class CollectionOut(Body):
    guid: str
    name: str
    root_path: str = Field(description="the folder as seen by its agent")
    agent: str | None = Field(description="GUID of the agent the collection lives on")
    pipeline: str | None = Field(description="GUID of the pipeline it is checked against")
    pipeline_version: int | None = Field(description="the pinned version; null: the current one")
    file_count: int | None
    storage_bytes: int | None
    image_count: int | None
    check_sidecars: bool = Field(
        description="scheduled audits and run-all read the XMP sidecars (PhotoStats' invalid_xmp)"
    )
    created_at: datetime


class CollectionCreate(Body):
    name: str = Field(min_length=1, max_length=200)
    root_path: str = Field(min_length=1, max_length=4096)
    agent: str = Field(max_length=30, description="GUID of one of the team's agents")


class CollectionUpdate(Body):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    check_sidecars: bool | None = Field(
        default=None,
        description="whether scheduled audits and run-all read the XMP sidecars; null: unchanged",
    )
    agent: str | None = Field(
        default=None,
        max_length=30,
        description="GUID of another of the team's agents to move the collection to, its "
        "results and queued jobs with it (the folder must lie inside that agent's roots); "
        "null: unchanged",
    )


class PipelineAssignment(Body):
    pipeline: str | None = Field(
        default=None, max_length=30, description="a pipeline GUID; null follows the team default"
    )
    version: int | None = Field(
        default=None, ge=1, description="pin this version; null follows the current one"
    )
