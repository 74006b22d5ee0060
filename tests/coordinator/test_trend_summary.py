"""Trend summaries on hand-built values: slope, direction thresholds, stable period."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shuttersense.coordinator.services.trend_series import DayPoint, TrendRow
from shuttersense.coordinator.services.trend_summary import (
    StablePeriod,
    daily_values,
    direction,
    own_days,
    slope,
    stable_period,
)

START = date(2026, 3, 1)
NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def series(*values: float, step: int = 1) -> list[tuple[date, float]]:
    return [(START + timedelta(days=n * step), value) for n, value in enumerate(values)]


def test_slope_is_per_day_least_squares() -> None:
    assert slope(series(1, 3, 5)) == pytest.approx(2.0)
    assert slope(series(1, 3, 5, step=2)) == pytest.approx(1.0)
    assert slope(series(2, 0, 4)) == pytest.approx(1.0)  # fitted, not first-to-last
    assert slope(series(7)) == 0.0


def test_fewer_than_three_values_is_insufficient() -> None:
    assert direction(series(9, 1), lower_is_better=True) == "insufficient_data"
    assert direction([], lower_is_better=False) == "insufficient_data"


@pytest.mark.parametrize(
    ("values", "lower_is_better", "expected"),
    [
        ((10, 8, 6), True, "improving"),  # fewer orphans
        ((10, 8, 6), False, "degrading"),  # lower consistency
        ((60, 70, 80), False, "improving"),
        ((60, 70, 80), True, "degrading"),
        ((5, 5, 5, 5), True, "stable"),  # all equal: threshold 0.01
        ((5.0, 5.0, 5.0, 5.001), True, "degrading"),  # relative to the spread: small moves count
    ],
)
def test_direction(values: tuple[float, ...], lower_is_better: bool, expected: str) -> None:
    assert direction(series(*values), lower_is_better=lower_is_better) == expected


def test_the_stable_threshold_is_five_percent_of_the_spread() -> None:
    # spread 100 in both: a slope of -4.9 per day is stable, -5.45 is a trend
    under = series(100, 0, 0, 0, 0, 0, 0, 0, 0, 10)
    over = series(100, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert abs(slope(under)) < 5 < abs(slope(over))
    assert direction(under, lower_is_better=True) == "stable"
    assert direction(over, lower_is_better=True) == "improving"


def point(day: int, value: float | None, collections: int = 1, calculated: int = 0) -> DayPoint:
    shown = None if value is None else {"orphaned_files": value}
    return DayPoint(START + timedelta(days=day), shown, collections, calculated, 0, False)


def test_only_days_with_own_results_count_as_values() -> None:
    points = [point(0, None, 0), point(1, 4), point(2, 4, 1, 1), point(3, 3, 2, 1)]
    assert [p.date.day for p in own_days(points)] == [2, 4]
    assert daily_values(points, "orphaned_files") == [
        (START + timedelta(days=1), 4.0),
        (START + timedelta(days=3), 3.0),
    ]
    assert daily_values(points, "missing") == []


def row(collection: str, day: int, *, no_change: bool, hour: int = 12) -> TrendRow:
    return TrendRow(collection, datetime(2026, 3, day, hour, tzinfo=UTC), no_change, {})


def test_stable_since_the_newest_real_result_rounded_up() -> None:
    rows = [row("a", 9, no_change=True), row("a", 7, no_change=False, hour=18)]
    assert stable_period(rows, NOW) == StablePeriod(stable=True, days=3)  # 2.75 days -> 3


def test_not_stable_when_the_latest_result_is_real() -> None:
    rows = [row("a", 9, no_change=False), row("a", 7, no_change=True)]
    assert stable_period(rows, NOW) == StablePeriod(stable=False, days=None)
    assert stable_period([], NOW) == StablePeriod(stable=False, days=None)


def test_several_collections_are_stable_only_together() -> None:
    both = [
        row("a", 9, no_change=True),
        row("a", 2, no_change=False),
        row("b", 9, no_change=True),
        row("b", 5, no_change=False),
    ]
    assert stable_period(both, NOW) == StablePeriod(stable=True, days=5)  # since b changed
    one_moved = [*both, row("b", 9, no_change=False, hour=13)]
    assert stable_period(one_moved, NOW).stable is False
