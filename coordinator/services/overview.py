"""What the dashboard shows of a team: its KPIs, each collection's newest results, the queue.

The KPIs add up each collection's newest analysis: files from PhotoStats (as the collection
records them), orphaned images and sidecars from PhotoStats, inconsistent images from Pipeline
Validation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Collection, Job, Result
from ..models.work import UNFINISHED_STATES
from . import trend_metrics
from .newest_results import newest_results

__all__ = [
    "CollectionRow",
    "Kpis",
    "collection_rows",
    "collections_by_id",
    "kpis",
    "queued_jobs",
    "recent_results",
]

_LIST = 50


@dataclass(frozen=True)
class Kpis:
    collections: int
    files: int
    orphans: int
    inconsistent: int


@dataclass(frozen=True)
class CollectionRow:
    """A collection and its newest result of each tool."""

    collection: Collection
    latest: dict[str, Result]


def _sum(results: dict[tuple[int, str], list[Result]], tool: str, *metrics: str) -> int:
    total = 0
    for (_, found_tool), newest in results.items():
        if found_tool == tool:
            counts = trend_metrics.counts_of(newest[0])
            total += sum(int(counts[metric]) for metric in metrics)
    return total


def kpis(session: Session, team_id: int) -> Kpis:
    collections, files = session.execute(
        select(func.count(), func.coalesce(func.sum(Collection.file_count), 0)).where(
            Collection.team_id == team_id
        )
    ).one()
    newest = newest_results(session, team_id, tools=("photostats", "pipeline_validation"))
    return Kpis(
        collections=collections,
        files=files,
        orphans=_sum(newest, "photostats", "orphaned_images", "orphaned_metadata"),
        inconsistent=_sum(newest, "pipeline_validation", "inconsistent"),
    )


def collection_rows(session: Session, collections: list[Collection]) -> list[CollectionRow]:
    """Each collection with its newest result of every tool (one query for them all)."""
    if not collections:
        return []
    newest = newest_results(
        session,
        collections[0].team_id,
        states=("COMPLETED", "NO_CHANGE", "FAILED", "CANCELLED"),
        collections=[c.id for c in collections],
    )
    return [
        CollectionRow(c, {tool: found[0] for (cid, tool), found in newest.items() if cid == c.id})
        for c in collections
    ]


def queued_jobs(session: Session, team_id: int) -> list[Job]:
    """The team's jobs still to run or running, oldest first (the order agents take them)."""
    return list(
        session.scalars(
            select(Job)
            .where(Job.team_id == team_id, Job.status.in_(UNFINISHED_STATES))
            .order_by(Job.created_at, Job.id)
            .limit(_LIST)
        )
    )


def recent_results(session: Session, team_id: int, limit: int = 10) -> list[Result]:
    return list(
        session.scalars(
            select(Result)
            .where(Result.team_id == team_id)
            .order_by(Result.created_at.desc(), Result.id.desc())
            .limit(limit)
        )
    )


def collections_by_id(session: Session, ids: Iterable[int | None]) -> dict[int, Collection]:
    """The collections with these ids (one query, for lists that name them)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {c.id: c for c in session.scalars(select(Collection).where(Collection.id.in_(wanted)))}
