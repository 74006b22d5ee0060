"""The collection's own numbers, taken from its newest COMPLETED result (analysis spec 3.5, 4.4):
PhotoStats gives the file count and the storage bytes, Photo Pairing the image count."""

from __future__ import annotations

from sqlalchemy import Update, bindparam, update
from sqlalchemy.orm import Session

from shuttersense.common.results import PhotoPairingResult, PhotoStatsResult, ToolResult

from ..models import Collection

__all__ = ["record_stats"]

_collections = Collection.__table__


def _set(*columns: str) -> Update:
    return (
        update(_collections)
        .where(_collections.c.id == bindparam("collection"))
        .values({name: bindparam(f"new_{name}") for name in columns})
    )


_SET_FILES = _set("file_count", "storage_bytes")
_SET_IMAGES = _set("image_count")


def record_stats(session: Session, collection_id: int | None, result: ToolResult) -> None:
    """Copy what `result` knows about the collection onto it (one UPDATE, not a load and a
    flush: completing a job is a hot path); committed by the caller."""
    if collection_id is None:
        return
    if isinstance(result, PhotoStatsResult):
        statement = _SET_FILES
        values = {"new_file_count": result.total_files, "new_storage_bytes": result.total_size}
    elif isinstance(result, PhotoPairingResult):
        statement, values = _SET_IMAGES, {"new_image_count": result.image_count}
    else:
        return
    session.connection().execute(statement, {"collection": collection_id, **values})
