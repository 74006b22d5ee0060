"""The collection's own numbers, taken from its newest COMPLETED result (analysis spec 3.5, 4.4):
PhotoStats gives the file count and the storage bytes, Photo Pairing the image count."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from shuttersense.common.results import PhotoPairingResult, PhotoStatsResult, ToolResult

from ..models import Collection

__all__ = ["record_stats", "stats_of"]

_collections = Collection.__table__


def stats_of(result: ToolResult) -> dict[str, int]:
    """The collection's columns that `result` knows: none for most tools."""
    if isinstance(result, PhotoStatsResult):
        return {"file_count": result.total_files, "storage_bytes": result.total_size}
    if isinstance(result, PhotoPairingResult):
        return {"image_count": result.image_count}
    return {}


def record_stats(session: Session, collection_id: int | None, stats: Mapping[str, int]) -> None:
    """Copy a result's numbers (stats_of) onto its collection (one UPDATE, not a load and a
    flush: completing a job is a hot path); committed by the caller."""
    if collection_id is None or not stats:
        return
    statement = (
        update(_collections).where(_collections.c.id == bindparam("collection")).values(**stats)
    )
    session.connection().execute(statement, {"collection": collection_id})
