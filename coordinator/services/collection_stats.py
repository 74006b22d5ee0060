"""The collection's own numbers, taken from its newest COMPLETED result (analysis spec 3.5, 4.4):
PhotoStats gives the file count and the storage bytes, Photo Pairing the image count."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shuttersense.common.results import PhotoPairingResult, PhotoStatsResult, ToolResult

from ..models import Collection

__all__ = ["record_stats"]


def record_stats(session: Session, collection_id: int | None, result: ToolResult) -> None:
    """Copy what `result` knows about the collection onto it; committed by the caller."""
    collection = session.get(Collection, collection_id) if collection_id is not None else None
    if collection is None:
        return
    if isinstance(result, PhotoStatsResult):
        collection.file_count = result.total_files
        collection.storage_bytes = result.total_size
    elif isinstance(result, PhotoPairingResult):
        collection.image_count = result.image_count
