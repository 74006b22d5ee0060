"""Request and response bodies of `/api/pipelines`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from .base import Body

__all__ = [
    "PathPreview",
    "PipelineCreate",
    "PipelineDetail",
    "PipelineImport",
    "PipelineOut",
    "PipelinePreview",
    "PipelineUpdate",
    "PipelineValidate",
    "ValidationOut",
    "VersionDetail",
    "VersionOut",
]

_DEFINITION = Field(description="the pipeline graph: an object with `nodes` and `edges`")


class PipelineCreate(Body):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    definition: dict[str, Any] = _DEFINITION


class PipelineUpdate(Body):
    definition: dict[str, Any] = _DEFINITION
    description: str | None = Field(default=None, max_length=2000)


class PipelineValidate(Body):
    definition: dict[str, Any] = _DEFINITION


class PipelineImport(Body):
    name: str | None = Field(
        default=None, min_length=1, max_length=200, description="else the document's `name`"
    )
    text: str = Field(max_length=2 * 1024 * 1024, description="the pipeline as JSON or YAML")


class PipelineOut(Body):
    guid: str
    name: str
    description: str
    current_version: int
    is_valid: bool
    is_active: bool = Field(description="valid pipelines are active; an invalid edit deactivates")
    is_default: bool = Field(description="the team's pipeline for collections without one")
    errors: list[str]
    created_at: datetime
    updated_at: datetime


class PipelineDetail(PipelineOut):
    definition: dict[str, Any] = Field(description="the definition of the current version")
    warnings: list[str]


class ValidationOut(Body):
    is_valid: bool
    errors: list[str]
    warnings: list[str]
    path_count: int | None = Field(description="paths from Capture to a Termination, if counted")


class VersionOut(Body):
    version: int
    created_at: datetime


class VersionDetail(VersionOut):
    definition: dict[str, Any]


class PathPreview(Body):
    nodes: list[str] = Field(description="node ids along the path")
    termination: str = Field(description="the termination type the path ends in")
    filenames: list[str] = Field(description="the files an image on this path should have")


class PipelinePreview(Body):
    guid: str
    version: int
    base: str
    suffix: str
    paths: list[PathPreview]
    truncated_paths: int = Field(description="paths cut by the loop limit, not shown")
