"""The collection's own numbers, taken from its newest COMPLETED result (analysis spec 3.5, 4.4):
PhotoStats gives the file count and the storage bytes, Photo Pairing the image count."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from shuttersense.common.results import PhotoPairingResult, PhotoStatsResult, ToolResult

from ..models import Collection

__all__ = ["record_stats"]

_collections = Collection.__table__


def record_stats(session: Session, collection_id: int | None, result: ToolResult) -> None:
    """Copy what `result` knows about the collection onto it (one UPDATE, not a load and a
    flush: completing a job is a hot path); committed by the caller."""
    if isinstance(result, PhotoStatsResult):
        values = {"file_count": result.total_files, "storage_bytes": result.total_size}
    elif isinstance(result, PhotoPairingResult):
        values = {"image_count": result.image_count}
    else:
        return
    if collection_id is not None:
        session.connection().execute(
            update(_collections).where(_collections.c.id == collection_id).values(values)
        )
