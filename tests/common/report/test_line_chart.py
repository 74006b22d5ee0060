"""The line chart of trends: one point per day, scaled from zero to the highest value, days and
values as text, labels escaped."""

from __future__ import annotations

import re

from shuttersense.common.report.format import format_percent
from shuttersense.common.report.line_chart import DayValue, line_chart
from shuttersense.common.report.svg import NOTHING_TO_SHOW
from tests.common.report.factories import NASTY, NASTY_ESCAPED


def _dots(markup: str) -> list[tuple[float, float]]:
    return [
        (float(x), float(y)) for x, y in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', markup)
    ]


def test_points_run_left_to_right_and_higher_values_stand_higher() -> None:
    chart = line_chart(
        [DayValue("2026-03-01", 4), DayValue("2026-03-02", 8), DayValue("2026-03-03", 0)],
        title="Orphaned files",
    )
    dots = _dots(chart)
    assert [x for x, _ in dots] == sorted(x for x, _ in dots) and len(dots) == 3
    four, eight, zero = (y for _, y in dots)
    assert eight < four < zero  # SVG's y grows downwards
    assert abs((zero - four) - (four - eight)) < 0.01  # to scale, from zero
    assert re.search(r'<path d="M [\d.]+ [\d.]+ L [\d.]+ [\d.]+ L [\d.]+ [\d.]+"', chart)
    assert "<title>2026-03-02: 8</title>" in chart
    assert ">2026-03-01</text>" in chart and ">2026-03-03</text>" in chart


def test_one_day_is_a_dot_without_a_line() -> None:
    chart = line_chart([DayValue("2026-03-01", 50.0)], title="Share", value_format=format_percent)
    assert len(_dots(chart)) == 1 and "<path" not in chart
    assert f"<title>2026-03-01: {format_percent(50.0)}</title>" in chart


def test_nothing_to_draw_says_so() -> None:
    assert NOTHING_TO_SHOW in line_chart([], title="Files")


def test_titles_and_days_are_escaped() -> None:
    chart = line_chart([DayValue(NASTY, 1)], title=NASTY)
    assert NASTY not in chart and NASTY_ESCAPED in chart
