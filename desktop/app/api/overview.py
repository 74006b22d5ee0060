"""What the Overview shows, gathered from the user API in one go (on a worker thread).

Counts come from the collections and the team's aggregated trends (their last day, carried
forward); recent results are the list the coordinator keeps newest first; a collection got
worse when its newest result of a tool found more issues than the one before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shuttersense.common.results import ToolName

from .client import UserApiClient
from .models import JobSummary, PoolStatus, ResultSummary, TrendPoint

__all__ = [
    "ISSUE_LABELS",
    "TOOL_LABELS",
    "Counts",
    "Overview",
    "RecentResult",
    "Worsening",
    "load_overview",
    "worsened",
]

TOOL_LABELS: dict[str, str] = {
    ToolName.PHOTOSTATS: "PhotoStats",
    ToolName.PHOTO_PAIRING: "Photo Pairing",
    ToolName.PIPELINE_VALIDATION: "Pipeline Validation",
}
# What a result's `issues_found` counts, per tool (common.results.result_counts).
ISSUE_LABELS: dict[str, str] = {
    ToolName.PHOTOSTATS: "orphaned files",
    ToolName.PHOTO_PAIRING: "invalid names",
    ToolName.PIPELINE_VALIDATION: "images not consistent",
}
_ANALYSED = ("COMPLETED", "NO_CHANGE")
RECENT = 50


@dataclass(frozen=True)
class Counts:
    """Over all the team's collections; None where no result of that tool exists yet."""

    collections: int
    files: int
    orphans: int | None  # orphaned images and sidecars (PhotoStats)
    orphaned_images: int | None
    orphaned_sidecars: int | None
    inconsistent: int | None  # images whose files break the pipeline (Pipeline Validation)
    partial: int | None  # images whose processing stopped half way


@dataclass(frozen=True)
class RecentResult:
    guid: str
    collection: str
    tool: str
    status: str
    files_scanned: int
    issues_found: int
    created_at: datetime


@dataclass(frozen=True)
class Worsening:
    collection: str
    tool: str
    before: int
    after: int
    result_guid: str
    created_at: datetime


@dataclass(frozen=True)
class Overview:
    counts: Counts
    pool: PoolStatus
    recent: tuple[RecentResult, ...]
    worse: tuple[Worsening, ...]
    failed_jobs: tuple[JobSummary, ...]
    names: dict[str, str]  # collection GUID → name


def _last_metrics(points: Sequence[TrendPoint]) -> dict[str, Any]:
    """The metrics of the newest day that has some."""
    for point in reversed(points):
        if point.metrics is not None:
            return point.metrics
    return {}


def _count(metrics: dict[str, Any], name: str) -> int | None:
    value = metrics.get(name)
    return int(value) if isinstance(value, int | float) else None


def worsened(results: Sequence[ResultSummary], names: dict[str, str]) -> list[Worsening]:
    """Per collection and tool, the newest analysed result when it found more issues than the
    previous one; `results` newest first, `names` collection GUID → name."""
    latest_two: dict[tuple[str, str], list[ResultSummary]] = {}
    for result in results:
        if result.collection is None or result.status not in _ANALYSED:
            continue
        pair = latest_two.setdefault((result.collection, result.tool), [])
        if len(pair) < 2:
            pair.append(result)
    return [
        Worsening(
            collection=names.get(collection, collection),
            tool=tool,
            before=pair[1].issues_found,
            after=pair[0].issues_found,
            result_guid=pair[0].guid,
            created_at=pair[0].created_at,
        )
        for (collection, tool), pair in latest_two.items()
        if len(pair) == 2 and pair[0].issues_found > pair[1].issues_found
    ]


def load_overview(client: UserApiClient) -> Overview:
    """Everything the Overview shows; ApiError when the coordinator cannot give it."""
    collections = client.collections()
    names = {collection.guid: collection.name for collection in collections}
    results = client.results()
    stats = _last_metrics(client.trend_points(ToolName.PHOTOSTATS))
    checked = _last_metrics(client.trend_points(ToolName.PIPELINE_VALIDATION))
    counts = Counts(
        collections=len(collections),
        files=sum(collection.file_count or 0 for collection in collections),
        orphans=_count(stats, "orphaned_files"),
        orphaned_images=_count(stats, "orphaned_images"),
        orphaned_sidecars=_count(stats, "orphaned_metadata"),
        inconsistent=_count(checked, "inconsistent"),
        partial=_count(checked, "partial"),
    )
    recent = tuple(
        RecentResult(
            guid=result.guid,
            collection=names.get(result.collection or "", result.collection or "—"),
            tool=result.tool,
            status=result.status,
            files_scanned=result.files_scanned,
            issues_found=result.issues_found,
            created_at=result.created_at,
        )
        for result in results[:RECENT]
    )
    return Overview(
        counts=counts,
        pool=client.pool_status(),
        recent=recent,
        worse=tuple(worsened(results, names)),
        failed_jobs=tuple(client.jobs(status="failed")),
        names=names,
    )
