"""Trend summaries from plain values (analysis spec 8): direction and stable period.

Direction comes from the least-squares slope of the daily aggregated values: fewer than three
values is `insufficient_data`; a slope smaller than 5 % of the values' spread (0.01 when they
are all equal) is `stable`; otherwise `improving` or `degrading`, as the metric says which way
is better.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .trend_series import DayPoint, TrendRow

__all__ = [
    "MIN_VALUES",
    "StablePeriod",
    "daily_values",
    "direction",
    "own_days",
    "slope",
    "stable_period",
]

MIN_VALUES = 3
_STABLE_SHARE = 0.05
_FLAT_THRESHOLD = 0.01


@dataclass(frozen=True)
class StablePeriod:
    """Whether nothing changed since the last real run, and for how many days."""

    stable: bool
    days: int | None


def own_days(points: Iterable[DayPoint]) -> list[DayPoint]:
    """The days on which some collection had a result of its own (not only carried values)."""
    return [p for p in points if p.metrics is not None and p.calculated_count < p.collections]


def daily_values(points: Iterable[DayPoint], metric: str) -> list[tuple[date, float]]:
    """The metric on the days of `own_days` where it has a value."""
    values = []
    for point in own_days(points):
        value = (point.metrics or {}).get(metric)
        if isinstance(value, int | float):
            values.append((point.date, float(value)))
    return values


def slope(values: Sequence[tuple[date, float]]) -> float:
    """Least-squares slope of the values, per day."""
    xs = [float((day - values[0][0]).days) for day, _ in values]
    ys = [value for _, value in values]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return 0.0
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


def direction(values: Sequence[tuple[date, float]], *, lower_is_better: bool) -> str:
    """`insufficient_data`, `stable`, `improving` or `degrading`."""
    if len(values) < MIN_VALUES:
        return "insufficient_data"
    ys = [value for _, value in values]
    spread = max(ys) - min(ys)
    threshold = _STABLE_SHARE * spread if spread else _FLAT_THRESHOLD
    rate = slope(values)
    if abs(rate) < threshold:
        return "stable"
    return "improving" if (rate < 0) == lower_is_better else "degrading"


def stable_period(rows: Iterable[TrendRow], now: datetime) -> StablePeriod:
    """Stable when every collection's newest result is a NO_CHANGE copy; for as many days
    (rounded up) as the most recently changed collection's newest real result is old.

    `rows` must hold each collection's newest result and its newest real (COMPLETED) one.
    """
    latest: dict[str, TrendRow] = {}
    real: dict[str, datetime] = {}
    for row in rows:
        if row.collection not in latest or row.created_at > latest[row.collection].created_at:
            latest[row.collection] = row
        newer = row.collection not in real or row.created_at > real[row.collection]
        if not row.no_change and newer:
            real[row.collection] = row.created_at
    if not latest or not all(row.no_change for row in latest.values()):
        return StablePeriod(stable=False, days=None)
    if set(real) != set(latest):
        return StablePeriod(stable=True, days=None)  # the original result is gone
    newest_change = max(real.values())
    return StablePeriod(stable=True, days=math.ceil((now - newest_change) / timedelta(days=1)))
