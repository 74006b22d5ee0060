"""Request and response bodies of `/api/collections`."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from .base import Body

__all__ = ["CollectionCreate", "CollectionOut", "CollectionUpdate"]


class CollectionOut(Body):
    guid: str
    name: str
    root_path: str = Field(description="the folder as seen by its agent")
    agent: str | None = Field(description="GUID of the agent the collection lives on")
    pipeline: str | None = Field(description="GUID of the pipeline it is checked against")
    file_count: int | None
    storage_bytes: int | None
    image_count: int | None
    created_at: datetime


class CollectionCreate(Body):
    name: str = Field(min_length=1, max_length=200)
    root_path: str = Field(min_length=1, max_length=4096)
    agent: str = Field(max_length=30, description="GUID of one of the team's agents")


class CollectionUpdate(Body):
    name: str | None = Field(default=None, min_length=1, max_length=200)
