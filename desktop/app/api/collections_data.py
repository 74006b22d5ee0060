"""What the Collections view shows, gathered from the user API on a worker thread: the team's
collections with each tool's last result, and for one collection its KPIs (result schema 2),
its findings and its trends (orphans, invalid names and consistency, from `/api/trends`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import ValidationError

from shuttersense.common.result_reading import read_tool_result
from shuttersense.common.results import (
    PhotoPairingResult,
    PhotoStatsResult,
    ToolName,
    ToolResult,
)

from .client import UserApiClient
from .findings import Finding, findings
from .models import Collection, Pipeline, ResultSummary, SeriesPoint

__all__ = [
    "ANALYSED",
    "CollectionDetail",
    "CollectionRow",
    "CollectionsPage",
    "ToolLatest",
    "TrendLine",
    "kpis",
    "load_collections",
    "load_detail",
    "shown_results",
]

ANALYSED = ("COMPLETED", "NO_CHANGE")
TREND_DAYS = 90
# The charts, in the order drawn: (title, unit, tool, the `/api/trends` metric it follows).
TRENDS = (
    ("Orphaned files", "", ToolName.PHOTOSTATS, "orphaned_files"),
    ("Invalid names", "", ToolName.PHOTO_PAIRING, "invalid_file_count"),
    ("Consistent images", "%", ToolName.PIPELINE_VALIDATION, "consistent_ratio"),
)


@dataclass(frozen=True)
class CollectionRow:
    collection: Collection
    pipeline: str  # its pipeline's name, or the team default's
    latest: dict[str, ResultSummary] = field(default_factory=dict)  # tool → newest result


@dataclass(frozen=True)
class CollectionsPage:
    rows: tuple[CollectionRow, ...]
    pipelines: tuple[Pipeline, ...]


@dataclass(frozen=True)
class ToolLatest:
    """A tool's newest result on the collection, and its KPIs as (label, value)."""

    tool: str
    result: ResultSummary
    kpis: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class TrendLine:
    title: str
    unit: str
    points: tuple[tuple[datetime, float], ...]  # oldest first


@dataclass(frozen=True)
class CollectionDetail:
    guid: str
    latest: tuple[ToolLatest, ...]
    findings: list[Finding]
    trends: tuple[TrendLine, ...]

    def newest(self) -> dict[str, ResultSummary]:
        """Tool → its newest result, as read with the detail (the list may be older)."""
        return {shown.tool: shown.result for shown in self.latest}


def _pipeline_name(collection: Collection, pipelines: Sequence[Pipeline]) -> str:
    by_guid = {p.guid: p.name for p in pipelines}
    if collection.pipeline is not None:
        return by_guid.get(collection.pipeline, collection.pipeline)
    default = next((p.name for p in pipelines if p.is_default), None)
    return f"team default ({default})" if default else "none"


def load_collections(client: UserApiClient) -> CollectionsPage:
    collections = client.collections()
    pipelines = tuple(client.pipelines())
    by_collection: dict[str, list[ResultSummary]] = {}
    for result in client.results():  # newest first
        if result.collection is not None:
            by_collection.setdefault(result.collection, []).append(result)
    rows = tuple(
        CollectionRow(c, _pipeline_name(c, pipelines), shown_results(by_collection.get(c.guid, [])))
        for c in collections
    )
    return CollectionsPage(rows, pipelines)


def shown_results(results: Iterable[ResultSummary]) -> dict[str, ResultSummary]:
    """Per tool, from `results` newest first: its newest analysed result, else its newest
    (a failed run does not hide the last figures there are)."""
    shown: dict[str, ResultSummary] = {}
    for result in results:
        kept = shown.get(result.tool)
        if kept is None or (kept.status not in ANALYSED and result.status in ANALYSED):
            shown[result.tool] = result
    return shown


def _n(value: int) -> str:
    return f"{value:,}"


def kpis(result: ToolResult) -> tuple[tuple[str, str], ...]:
    """The figures a photographer looks at first, per tool."""
    if isinstance(result, PhotoStatsResult):
        return (
            ("Files", _n(result.total_files)),
            ("Images without sidecar", _n(result.orphaned_images.count)),
            ("Sidecars without image", _n(result.orphaned_sidecars.count)),
            ("Paired", _n(result.paired_count)),
            ("Not analysed", _n(sum(n.count for n in result.not_analysed.values()))),
        )
    if isinstance(result, PhotoPairingResult):
        return (
            ("Images", _n(result.image_count)),
            ("Invalid names", _n(result.invalid_file_count)),
            ("Names in several folders", _n(result.name_collision_count)),
            ("Cameras", _n(len(result.cameras))),
        )
    status = result.overall_status
    return (
        ("Consistent", _n(status.get("CONSISTENT", 0))),
        ("Partial", _n(status.get("PARTIAL", 0))),
        ("Inconsistent", _n(status.get("INCONSISTENT", 0))),
        ("Archival ready", _n(result.archival_ready_count)),
        ("Pipeline", result.pipeline_name),
    )


def _read(payload: dict[str, object]) -> ToolResult | None:
    try:
        return read_tool_result(payload)
    except ValidationError:
        return None


def _failure(result: ResultSummary) -> str:
    return result.error or result.status.lower()


def _latest(
    client: UserApiClient, result: ResultSummary, newer: ResultSummary
) -> tuple[ToolLatest, ToolResult | None]:
    """The KPIs of `result`; `newer` is the tool's newest run, when it failed after it."""
    if result.status not in ANALYSED:
        return ToolLatest(result.tool, result, (("Failed", _failure(result)),)), None
    read = _read(client.result(result.guid).results)
    if read is None:
        unreadable = (("Result", "stored in a shape this app cannot read"),)
        return ToolLatest(result.tool, result, unreadable), None
    figures = kpis(read)
    if newer is not result:
        figures += (("Last run failed", _failure(newer)),)
    return ToolLatest(result.tool, result, figures), read


def _trend(points: Sequence[SeriesPoint], metric: str) -> tuple[tuple[datetime, float], ...]:
    values = [(point.created_at, point.metrics.get(metric)) for point in points]
    return tuple((at, float(v)) for at, v in values if isinstance(v, int | float))


def load_detail(client: UserApiClient, guid: str) -> CollectionDetail:
    """The collection's newest result per tool with its KPIs and findings, and its trends."""
    results = client.results(collection=guid)  # newest first
    newest: dict[str, ResultSummary] = {}
    for result in results:
        newest.setdefault(result.tool, result)
    shown_per_tool = shown_results(results)
    latest: list[ToolLatest] = []
    read: list[ToolResult] = []
    for tool in ToolName:
        if tool.value in newest:
            shown, document = _latest(client, shown_per_tool[tool.value], newest[tool.value])
            latest.append(shown)
            read += [document] if document is not None else []
    trends = tuple(
        TrendLine(title, unit, _trend(client.collection_trend(tool, guid, days=TREND_DAYS), metric))
        for title, unit, tool, metric in TRENDS
    )
    return CollectionDetail(guid, tuple(latest), findings(read), trends)
