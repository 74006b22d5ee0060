"""Trends of one tool over the team's collections: reads the rows, the pure modules compute.

Only COMPLETED and NO_CHANGE results of collections count (FAILED and CANCELLED never do).
1–5 collection GUIDs give comparison mode; none, or more, the aggregated mode. Another team's
collection GUID is NotFound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from shuttersense.common.results import ToolName

from ..errors import InvalidInput
from ..models import ANALYSED_STATES, Collection, Pipeline, Result
from ..models.base import utcnow
from . import trend_metrics, trend_series, trend_summary
from .lookup import in_team
from .trend_series import CollectionSeries, DayPoint, TrendRow, Window
from .trend_summary import StablePeriod

__all__ = ["Summary", "Trend", "TrendQuery", "summary", "trend"]


@dataclass(frozen=True)
class TrendQuery:
    tool: str
    collections: Sequence[str] = ()
    date_from: date | None = None
    date_to: date | None = None
    limit: int = trend_series.DEFAULT_LIMIT


@dataclass(frozen=True)
class Trend:
    tool: str
    mode: str  # "comparison" or "aggregated"
    window: Window | None
    series: list[CollectionSeries]
    points: list[DayPoint]


@dataclass(frozen=True)
class Summary:
    tool: str
    metric: str | None
    direction: str | None
    data_points: int
    stable: StablePeriod
    last_result_at: datetime | None


class _Rows:
    """The query side: the team's trend rows of one tool, optionally of some collections."""

    def __init__(self, session: Session, team_id: int, query: TrendQuery) -> None:
        if query.tool not in {t.value for t in ToolName}:
            raise InvalidInput(f"unknown tool {query.tool!r}")
        self.session = session
        self.filters: list[ColumnElement[bool]] = [
            Result.team_id == team_id,
            Result.tool == query.tool,
            Result.status.in_(ANALYSED_STATES),
            Result.collection_id.is_not(None),
        ]
        if query.collections:
            ids = [
                in_team(session, Collection, team_id, g, "collection").id for g in query.collections
            ]
            self.filters.append(Result.collection_id.in_(ids))

    def first_day(self) -> date | None:
        first = self.session.scalar(select(func.min(Result.created_at)).where(*self.filters))
        return first.date() if first is not None else None  # UtcTimestamp: aware, in UTC

    def between(self, start: datetime, end: datetime) -> list[TrendRow]:
        return self._rows(Result.created_at >= start, Result.created_at < end)

    def newest(self, *extra: ColumnElement[bool]) -> list[TrendRow]:
        """Each collection's newest row under the extra conditions."""
        ranked = (
            select(
                Result.id,
                func.row_number()
                .over(
                    partition_by=Result.collection_id,
                    order_by=(Result.created_at.desc(), Result.id.desc()),
                )
                .label("rank"),
            )
            .where(*self.filters, *extra)
            .subquery()
        )
        return self._rows(Result.id.in_(select(ranked.c.id).where(ranked.c.rank == 1)))

    def _rows(self, *extra: Any) -> list[TrendRow]:
        found = self.session.execute(
            select(
                Result.id,
                Collection.guid,
                Result.tool,
                Result.created_at,
                Result.status,
                Result.trend_counts,
                Pipeline.guid.label("pipeline"),
                Result.pipeline_version,
            )
            .join(Collection, Collection.id == Result.collection_id)
            .outerjoin(Pipeline, Pipeline.id == Result.pipeline_id)
            .where(*self.filters, *extra)
        ).all()
        older = self._payloads([row.id for row in found if row.trend_counts is None])
        return [
            TrendRow(
                collection=row.guid,
                created_at=row.created_at,
                no_change=row.status == "NO_CHANGE",
                counts=trend_metrics.stored_counts(
                    row.tool, row.trend_counts, lambda row=row: older.get(row.id)
                ),
                pipeline=row.pipeline,
                pipeline_version=row.pipeline_version,
            )
            for row in found
        ]

    def _payloads(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        """The JSON of results stored before they kept their counts (read only for those)."""
        if not ids:
            return {}
        rows = self.session.execute(
            select(Result.id, Result.results_json).where(Result.id.in_(ids))
        )
        return {row.id: row.results_json or {} for row in rows}


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)


def _span(rows: _Rows, query: TrendQuery, today: date) -> Window | None:
    first_day = rows.first_day() if query.date_from is None else None
    return trend_series.window(today, first_day, query.date_from, query.date_to, query.limit)


def _found(rows: _Rows, span: Window) -> list[TrendRow]:
    return rows.between(_midnight(span.start), _midnight(span.end + timedelta(days=1)))


def _aggregated(rows: _Rows, tool: str, span: Window) -> list[DayPoint]:
    seeds = rows.newest(Result.created_at < _midnight(span.start))
    return trend_series.aggregated(tool, seeds + _found(rows, span), span)


def trend(session: Session, team_id: int, query: TrendQuery, *, today: date | None = None) -> Trend:
    """The trend of `query.tool`: per collection (1–5 asked) or summed over collections."""
    rows = _Rows(session, team_id, query)
    span = _span(rows, query, today or utcnow().date())
    if not 1 <= len(query.collections) <= trend_series.COMPARISON_MAX:
        points = _aggregated(rows, query.tool, span) if span else []
        return Trend(query.tool, "aggregated", span, [], points)
    asked = list(query.collections)
    if span is None:
        series = [CollectionSeries(guid, []) for guid in asked]
    else:
        series = trend_series.comparison(query.tool, _found(rows, span), span, asked)
    return Trend(query.tool, "comparison", span, series, [])


def summary(
    session: Session, team_id: int, query: TrendQuery, *, now: datetime | None = None
) -> Summary:
    """The direction of the tool's headline value over the days aggregated across the asked
    collections (however many), and the stable period."""
    now = now or utcnow()
    rows = _Rows(session, team_id, query)
    span = _span(rows, query, now.date())
    points = _aggregated(rows, query.tool, span) if span else []
    headline = trend_metrics.headline(query.tool)
    direction = None
    if headline is not None:
        values = trend_summary.daily_values(points, headline.metric)
        direction = trend_summary.direction(values, lower_is_better=headline.lower_is_better)
    latest = rows.newest()
    return Summary(
        tool=query.tool,
        metric=headline.metric if headline else None,
        direction=direction,
        data_points=len(trend_summary.own_days(points)),
        stable=trend_summary.stable_period(latest + rows.newest(Result.status == "COMPLETED"), now),
        last_result_at=max((row.created_at for row in latest), default=None),
    )
