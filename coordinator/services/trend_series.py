"""Trend series from plain result rows (analysis spec 8): pure functions, no database.

- De-duplication keeps the newest result per collection and calendar day (UTC); Pipeline
  Validation points are kept per collection, pipeline and version in comparison mode.
- Comparison mode: one series per requested collection, its own points only.
- Aggregated mode: one point per day, summed over collections, each collection's last known
  value carried forward (its newest result before the window is the seed).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shuttersense.common.results import ToolName

from ..errors import InvalidInput
from .trend_metrics import Counts, add, metrics

__all__ = [
    "COMPARISON_MAX",
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "MAX_RANGE_DAYS",
    "CollectionSeries",
    "DayPoint",
    "RowPoint",
    "TrendRow",
    "Window",
    "aggregated",
    "comparison",
    "dedupe",
    "window",
]

COMPARISON_MAX = 5
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_RANGE_DAYS = 3660
_EARLIEST, _LATEST = date(1970, 1, 1), date(9999, 1, 1)  # room for any window arithmetic


@dataclass(frozen=True)
class TrendRow:
    """One COMPLETED or NO_CHANGE result, reduced to what trends need."""

    collection: str
    created_at: datetime
    no_change: bool
    counts: Counts
    pipeline: str | None = None
    pipeline_version: int | None = None

    @property
    def day(self) -> date:
        return self.created_at.astimezone(UTC).date()


@dataclass(frozen=True)
class Window:
    """The days a trend shows, both ends included."""

    start: date
    end: date

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class RowPoint:
    """A collection's own result of one day (comparison mode)."""

    date: date
    created_at: datetime
    no_change: bool
    pipeline: str | None
    pipeline_version: int | None
    metrics: dict[str, Any]


@dataclass(frozen=True)
class CollectionSeries:
    collection: str
    points: list[RowPoint]


@dataclass(frozen=True)
class DayPoint:
    """One day summed over collections (aggregated mode); `metrics` None: no data yet."""

    date: date
    metrics: dict[str, Any] | None
    collections: int
    calculated_count: int
    no_change_count: int
    has_transition: bool


def window(
    today: date,
    first_day: date | None,
    date_from: date | None,
    date_to: date | None,
    limit: int = DEFAULT_LIMIT,
) -> Window | None:
    """The days to show. With `from`: every day from it to `to` (default today). Without: the
    last `limit` days up to `to` (default today), not before the first result; None if no data."""
    for given in (date_from, date_to):
        if given is not None and not _EARLIEST <= given <= _LATEST:
            raise InvalidInput(f"dates lie between {_EARLIEST} and {_LATEST}")
    end = date_to or today
    if date_from is not None:
        if date_from > end:
            raise InvalidInput("`from` is after `to`")
        if (end - date_from).days >= MAX_RANGE_DAYS:
            raise InvalidInput(f"a date range spans at most {MAX_RANGE_DAYS} days")
        return Window(date_from, end)
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"`limit` is between 1 and {MAX_LIMIT}")
    if first_day is None or first_day > end:
        return None
    return Window(max(first_day, end - timedelta(days=limit - 1)), end)


def dedupe(rows: Iterable[TrendRow], *, per_pipeline: bool = False) -> list[TrendRow]:
    """The newest row per collection and day (and pipeline version if asked), oldest first."""
    newest: dict[tuple[Any, ...], TrendRow] = {}
    for row in rows:
        key: tuple[Any, ...] = (row.collection, row.day)
        if per_pipeline:
            key += (row.pipeline, row.pipeline_version)
        if key not in newest or row.created_at >= newest[key].created_at:
            newest[key] = row
    return sorted(newest.values(), key=lambda row: row.created_at)


def comparison(
    tool: str, rows: Iterable[TrendRow], span: Window, collections: Sequence[str]
) -> list[CollectionSeries]:
    """One series per collection (in the order asked), its de-duplicated points in the window."""
    kept = dedupe(
        (row for row in rows if span.holds(row.day)),
        per_pipeline=tool == ToolName.PIPELINE_VALIDATION,
    )
    return [
        CollectionSeries(
            collection,
            [
                RowPoint(
                    row.day,
                    row.created_at,
                    row.no_change,
                    row.pipeline,
                    row.pipeline_version,
                    metrics(tool, row.counts),
                )
                for row in kept
                if row.collection == collection
            ],
        )
        for collection in collections
    ]


def aggregated(tool: str, rows: Iterable[TrendRow], span: Window) -> list[DayPoint]:
    """One point per day of the window, with fill-forward.

    `rows` may include results from before the window: the newest of each collection seeds its
    value. `has_transition` marks a day with a real result when the last earlier day that had
    results of its own had only NO_CHANGE copies.
    """
    by_day: dict[date, list[TrendRow]] = {}
    for row in dedupe(row for row in rows if row.day <= span.end):
        by_day.setdefault(row.day, []).append(row)
    known: dict[str, Counts] = {}
    quiet_before = False  # the last day with results had only NO_CHANGE copies
    points: list[DayPoint] = []
    for day in sorted(set(by_day) | set(span.days())):
        own = by_day.get(day, [])
        known.update((row.collection, row.counts) for row in own)
        real = [row for row in own if not row.no_change]
        if span.holds(day):
            total: Counts = {}
            for value in known.values():
                total = add(total, value)
            points.append(
                DayPoint(
                    date=day,
                    metrics=metrics(tool, total) if known else None,
                    collections=len(known),
                    calculated_count=len(known) - len(own),
                    no_change_count=len(own) - len(real),
                    has_transition=bool(real) and quiet_before,
                )
            )
        if own:
            quiet_before = not real
    return points
