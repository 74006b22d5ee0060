"""Trend series on hand-built rows: de-duplication, windows, comparison, fill-forward."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shuttersense.coordinator.errors import InvalidInput
from shuttersense.coordinator.services.trend_metrics import counts, metrics
from shuttersense.coordinator.services.trend_series import (
    TrendRow,
    Window,
    aggregated,
    comparison,
    dedupe,
    window,
)

DAY = date(2026, 3, 1)


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def stats(
    collection: str, day: int, orphans: int, *, hour: int = 12, no_change: bool = False
) -> TrendRow:
    payload = {"orphaned_images": ["x"] * orphans, "orphaned_xmp": 1, "total_files": 10}
    return TrendRow(collection, at(day, hour), no_change, counts("photostats", payload))


def orphans(point: object) -> int | None:
    shown = point.metrics  # type: ignore[attr-defined]
    return None if shown is None else shown["orphaned_images"]


# --- metrics ---------------------------------------------------------------------------------


def test_photostats_counts_take_lists_or_numbers() -> None:
    found = counts(
        "photostats",
        {"orphaned_images": ["a", "b"], "orphaned_xmp": 3, "total_files": 9, "total_size": 90},
    )
    assert found == {
        "orphaned_images": 2,
        "orphaned_metadata": 3,
        "total_files": 9,
        "total_size": 90,
    }
    assert metrics("photostats", found)["orphaned_files"] == 5


def test_pairing_camera_usage_takes_ints_or_image_counts() -> None:
    found = counts(
        "photo_pairing",
        {
            "group_count": 4,
            "image_count": 5,
            "invalid_file_count": 2,
            "camera_usage": {"AB3D": 3, "XY12": {"image_count": 2}},
        },
    )
    assert found == {
        "group_count": 4,
        "image_count": 5,
        "invalid_file_count": 2,
        "camera_usage": {"AB3D": 3, "XY12": 2},
    }


def test_validation_ratios_come_from_summed_counts() -> None:
    one = counts(
        "pipeline_validation",
        {
            "overall_status": {"CONSISTENT": 1, "PARTIAL": 0, "INCONSISTENT": 0},
            "by_termination": {"Black Box Archive": {"CONSISTENT": 1}},
        },
    )
    two = counts(
        "pipeline_validation",
        {
            "overall_status": {"CONSISTENT": 1, "PARTIAL": 1, "INCONSISTENT": 0},
            "by_termination": {"Black Box Archive": {"CONSISTENT": 0, "PARTIAL": 2}},
        },
    )
    span = Window(DAY, DAY)
    rows = [
        TrendRow("a", at(1), False, one, "pip_1", 1),
        TrendRow("b", at(1), False, two, "pip_1", 1),
    ]
    [point] = aggregated("pipeline_validation", rows, span)
    shown = point.metrics
    assert (shown["consistent"], shown["partial"], shown["total_images"]) == (2, 1, 3)
    # 2 of 3, not the mean of 100 % and 50 %
    assert shown["consistent_ratio"] == 66.7 and shown["partial_ratio"] == 33.3
    assert shown["black_box_archive_consistency"] == 33.3
    assert shown["browsable_archive_consistency"] is None  # no images end there


# --- windows and de-duplication --------------------------------------------------------------


def test_without_a_range_the_last_limit_days_not_before_the_first_result() -> None:
    today = date(2026, 3, 31)
    assert window(today, date(2026, 3, 1), None, None, 5) == Window(date(2026, 3, 27), today)
    assert window(today, date(2026, 3, 29), None, None, 5) == Window(date(2026, 3, 29), today)
    assert window(today, None, None, None, 5) is None
    with_to = window(today, date(2026, 1, 1), None, date(2026, 2, 10), 3)
    assert with_to == Window(date(2026, 2, 8), date(2026, 2, 10))


def test_a_range_shows_every_day_in_it_whatever_the_limit() -> None:
    span = window(date(2026, 3, 31), None, date(2026, 1, 1), date(2026, 3, 1), 5)
    assert span == Window(date(2026, 1, 1), date(2026, 3, 1)) and len(span.days()) == 60


@pytest.mark.parametrize(
    ("date_from", "date_to", "limit"),
    [
        (date(2026, 3, 2), date(2026, 3, 1), 50),  # backwards
        (date(2000, 1, 1), date(2026, 3, 1), 50),  # too long
        (None, None, 501),
        (None, None, 0),
        (None, date(1, 1, 1), 50),  # no arithmetic overflow
        (date(9999, 12, 31), None, 50),
    ],
)
def test_bad_windows_are_invalid_input(
    date_from: date | None, date_to: date | None, limit: int
) -> None:
    with pytest.raises(InvalidInput):
        window(date(2026, 3, 31), date(2026, 1, 1), date_from, date_to, limit)


def test_dedupe_keeps_the_last_result_per_collection_and_day() -> None:
    rows = [stats("a", 1, 5, hour=18), stats("a", 1, 9, hour=8), stats("b", 1, 1), stats("a", 2, 4)]
    kept = dedupe(rows)
    assert [(r.collection, r.day.day, r.counts["orphaned_images"]) for r in kept] == [
        ("b", 1, 1),
        ("a", 1, 5),
        ("a", 2, 4),
    ]


def test_validation_keeps_one_point_per_pipeline_version_in_comparison() -> None:
    payload = {"overall_status": {"CONSISTENT": 1}}
    rows = [
        TrendRow("a", at(1, 8), False, counts("pipeline_validation", payload), "pip_1", 1),
        TrendRow("a", at(1, 9), False, counts("pipeline_validation", payload), "pip_1", 2),
        TrendRow("a", at(1, 10), False, counts("pipeline_validation", payload), "pip_1", 2),
    ]
    [series] = comparison("pipeline_validation", rows, Window(DAY, DAY), ["a"])
    assert [(p.pipeline_version, p.created_at.hour) for p in series.points] == [(1, 8), (2, 10)]
    # aggregated: one value per collection and day, the newest
    [point] = aggregated("pipeline_validation", rows, Window(DAY, DAY))
    assert point.metrics["consistent"] == 1 and point.collections == 1


# --- comparison ------------------------------------------------------------------------------


def test_comparison_gives_raw_points_per_collection_in_the_asked_order() -> None:
    rows = [stats("a", 1, 5), stats("b", 2, 7), stats("a", 3, 4), stats("a", 9, 1)]
    series = comparison("photostats", rows, Window(DAY, date(2026, 3, 4)), ["b", "a", "c"])
    assert [s.collection for s in series] == ["b", "a", "c"]
    assert [(p.date.day, orphans(p)) for p in series[1].points] == [(1, 5), (3, 4)]
    assert [p.date.day for p in series[0].points] == [2] and series[2].points == []
    assert series[1].points[0].metrics["orphaned_files"] == 6


# --- aggregated with fill-forward ------------------------------------------------------------


def test_fill_forward_carries_each_collections_last_value() -> None:
    rows = [stats("a", 1, 5), stats("b", 2, 7), stats("a", 3, 4)]
    points = aggregated("photostats", rows, Window(DAY, date(2026, 3, 4)))
    assert [p.date.day for p in points] == [1, 2, 3, 4]
    assert [orphans(p) for p in points] == [5, 12, 11, 11]
    assert [p.collections for p in points] == [1, 2, 2, 2]
    assert [p.calculated_count for p in points] == [0, 1, 1, 2]


def test_the_seed_from_before_the_window_is_carried_in() -> None:
    rows = [stats("a", 1, 5, hour=8), stats("a", 1, 3), stats("b", 4, 2)]
    points = aggregated("photostats", rows, Window(date(2026, 3, 3), date(2026, 3, 5)))
    assert [orphans(p) for p in points] == [3, 5, 5]  # the day's last result seeds, not the first
    assert [p.calculated_count for p in points] == [1, 1, 2]


def test_days_before_any_data_are_null() -> None:
    points = aggregated("photostats", [stats("a", 3, 5)], Window(DAY, date(2026, 3, 3)))
    assert [p.metrics for p in points[:2]] == [None, None]
    assert [(p.collections, p.calculated_count) for p in points[:2]] == [(0, 0), (0, 0)]
    assert orphans(points[2]) == 5


def test_rows_after_the_window_are_ignored() -> None:
    points = aggregated("photostats", [stats("a", 1, 5), stats("a", 3, 9)], Window(DAY, DAY))
    assert [orphans(p) for p in points] == [5]


def test_no_change_count_and_transition() -> None:
    rows = [
        stats("a", 1, 5),
        stats("a", 2, 5, no_change=True),
        stats("b", 2, 1, no_change=True),
        stats("a", 4, 2),  # real result after the all-NO_CHANGE day 2 (day 3 had none)
        stats("a", 5, 2),  # real after a real day: no transition
        stats("a", 6, 2, no_change=True),
        stats("b", 6, 1),  # day 6 mixes copies and real results
        stats("a", 7, 2),
    ]
    points = aggregated("photostats", rows, Window(DAY, date(2026, 3, 7)))
    assert [p.no_change_count for p in points] == [0, 2, 0, 0, 0, 1, 0]
    assert [p.has_transition for p in points] == [False, False, False, True, False, False, False]


def test_a_transition_right_after_a_no_change_seed() -> None:
    rows = [stats("a", 1, 5), stats("a", 2, 5, no_change=True), stats("a", 3, 4)]
    [point] = aggregated("photostats", rows, Window(date(2026, 3, 3), date(2026, 3, 3)))
    assert point.has_transition and point.calculated_count == 0


def test_camera_usage_is_summed_per_camera() -> None:
    rows = [
        TrendRow("a", at(1), False, counts("photo_pairing", {"camera_usage": {"AB3D": 2}})),
        TrendRow(
            "b", at(1), False, counts("photo_pairing", {"camera_usage": {"AB3D": 1, "XY12": 4}})
        ),
    ]
    [point] = aggregated("photo_pairing", rows, Window(DAY, DAY))
    assert point.metrics["camera_usage"] == {"AB3D": 3, "XY12": 4}


def test_a_window_is_every_day_once() -> None:
    span = Window(DAY, DAY + timedelta(days=2))
    assert span.days() == [DAY, DAY + timedelta(days=1), DAY + timedelta(days=2)]
    assert span.holds(DAY) and not span.holds(DAY + timedelta(days=3))
