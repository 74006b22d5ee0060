"""The numbers the dashboard draws and lists: trend charts of a collection (the reports' chart
code) and the KPIs of one result, both read through the trends' metrics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from sqlalchemy.orm import Session

from shuttersense.common.report.format import format_count, format_percent, format_size
from shuttersense.common.report.line_chart import DayValue, line_chart

from ..models import ANALYSED_STATES, Result
from ..services import trend_metrics, trends

__all__ = ["Kpi", "result_kpis", "trend_charts"]

Format = Callable[[float], str]


def _count(value: float) -> str:
    return format_count(int(value))


def _size(value: float) -> str:
    return format_size(value)


@dataclass(frozen=True)
class _Chart:
    tool: str
    metric: str
    title: str
    value_format: Format = _count


_CHARTS = (
    _Chart("photostats", "orphaned_files", "Orphaned files (PhotoStats)"),
    _Chart("photostats", "total_files", "Files (PhotoStats)"),
    _Chart("photo_pairing", "image_count", "Images (Photo Pairing)"),
    _Chart(
        "pipeline_validation",
        "consistent_ratio",
        "Consistent images (Pipeline Validation)",
        format_percent,
    ),
)

_KPIS: dict[str, tuple[tuple[str, str, Format], ...]] = {
    "photostats": (
        ("total_files", "Files", _count),
        ("total_size", "Size", _size),
        ("orphaned_images", "Orphaned images", _count),
        ("orphaned_metadata", "Orphaned sidecars", _count),
    ),
    "photo_pairing": (("image_count", "Images", _count), ("group_count", "Groups", _count)),
    "pipeline_validation": (
        ("total_images", "Images", _count),
        ("consistent", "Consistent", _count),
        ("partial", "Partial", _count),
        ("inconsistent", "Inconsistent", _count),
        ("consistent_ratio", "Consistent share", format_percent),
    ),
}


@dataclass(frozen=True)
class Kpi:
    label: str
    value: str


def trend_charts(session: Session, team_id: int, collection_guid: str) -> list[Markup]:
    """The collection's trend charts of the last 50 days, for the tools it has results of."""
    charts = []
    series: dict[str, Any] = {}
    for chart in _CHARTS:
        if chart.tool not in series:
            query = trends.TrendQuery(chart.tool, [collection_guid])
            series[chart.tool] = trends.trend(session, team_id, query).series[0].points
        points = [
            DayValue(point.date.isoformat(), float(value))
            for point in series[chart.tool]
            if isinstance(value := point.metrics.get(chart.metric), int | float)
        ]
        if points:
            # The chart escapes every label it draws: its markup is safe to place as it is.
            rendered = line_chart(points, title=chart.title, value_format=chart.value_format)
            charts.append(Markup(rendered))  # noqa: S704
    return charts


def result_kpis(result: Result) -> list[Kpi]:
    """The headline numbers of an analysed result; none for a failed or cancelled one."""
    if result.status not in ANALYSED_STATES or result.tool not in _KPIS:
        return []
    values = trend_metrics.metrics(result.tool, trend_metrics.counts_of(result))
    return [
        Kpi(label, "–" if values.get(metric) is None else shown(values[metric]))
        for metric, label, shown in _KPIS[result.tool]
    ]
