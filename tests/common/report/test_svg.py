"""Donut and bar charts: geometry, full and near-full circles, empty data, labels."""

from __future__ import annotations

import itertools
import math
import re

import pytest

from shuttersense.common.report.svg import NOTHING_TO_SHOW, Datum, bar_chart, donut_chart
from tests.common.report.factories import NASTY, NASTY_ESCAPED

_NUMBER = r"-?\d+(?:\.\d+)?"


def _paths(markup: str) -> list[str]:
    return re.findall(r'<path d="([^"]*)"', markup)


def _points(path: str) -> list[tuple[float, float]]:
    """The end point of every M, L and A command of a path."""
    points = []
    for command in re.finditer(rf"([MLA])((?:\s+{_NUMBER})+)", path):
        numbers = [float(n) for n in command.group(2).split()]
        points.append((numbers[-2], numbers[-1]))
    return points


def test_full_circle_renders_as_a_ring() -> None:
    chart = donut_chart([Datum("CR3", 42)], title="Types")
    # One slice cannot be an arc (its ends would coincide): it is a stroked circle instead.
    assert "<circle" in chart
    assert _paths(chart) == []
    assert 'stroke-width="34"' in chart
    assert "<title>CR3: 42 (100%)</title>" in chart
    assert '<td class="num">100%</td>' in chart


def test_zero_slices_beside_a_full_one_still_make_a_ring() -> None:
    chart = donut_chart([Datum("Consistent", 5), Datum("Partial", 0)], title="Status")
    assert "<circle" in chart
    assert _paths(chart) == []
    assert "Partial" in chart  # kept in the legend
    assert '<td class="num">0%</td>' in chart


def test_slices_share_the_ring_in_order() -> None:
    chart = donut_chart([Datum("a", 1), Datum("b", 1), Datum("c", 2)], title="t")
    paths = _paths(chart)
    assert len(paths) == 3
    # Each segment starts where the previous ended, and the last closes at 12 o'clock.
    starts = [_points(path)[0] for path in paths]
    outer_ends = [_points(path)[2] for path in paths]
    assert starts[0] == (100, 8)
    assert outer_ends[0] == starts[1]
    assert outer_ends[1] == starts[2]
    assert outer_ends[2] == (100, 8)
    # a is a quarter turn: from 12 to 3 o'clock.
    assert starts[1] == (192, 100)


def test_a_near_full_slice_keeps_distinct_arc_ends() -> None:
    chart = donut_chart([Datum("big", 999_999), Datum("tiny", 1)], title="t")
    big = _paths(chart)[0]
    points = _points(big)
    for before, after in itertools.pairwise(points):
        assert math.dist(before, after) > 1, "an arc with coinciding ends would not be drawn"
    assert "nan" not in chart.lower()
    assert "<title>big: 999,999 (&gt;99.9%)</title>" in chart


def test_empty_or_zero_data_draws_nothing() -> None:
    for data in ([], [Datum("a", 0), Datum("b", 0)]):
        chart = donut_chart(data, title="Camera Usage")
        assert "<svg" not in chart
        assert NOTHING_TO_SHOW in chart
        assert "Camera Usage" in chart


def test_long_tails_merge_into_other() -> None:
    data = [Datum(f"camera {i}", 100 - i) for i in range(14)]
    chart = donut_chart(data, title="Cameras", max_slices=10)
    assert len(_paths(chart)) == 10
    assert "Other (5)" in chart
    assert "camera 8" in chart
    assert "camera 9" not in chart
    assert f"<title>Other (5): {sum(100 - i for i in range(9, 14))} " in chart


def test_donut_centre_shows_the_total() -> None:
    chart = donut_chart([Datum("a", 1200), Datum("b", 34)], title="t", caption="images")
    assert 'class="donut-total">1,234</text>' in chart
    assert ">images</text>" in chart


@pytest.mark.parametrize(
    ("total", "kind"),
    [(99_999, "donut-total"), (600_000, "donut-total long"), (1_000_000, "donut-total longer")],
)
def test_a_long_total_gets_a_smaller_font_to_stay_in_the_ring(total: int, kind: str) -> None:
    chart = donut_chart([Datum("a", total)], title="t")
    assert f'class="{kind}">{total:,}</text>' in chart


def test_status_colours_are_kept() -> None:
    chart = donut_chart([Datum("ok", 1, "#2e7d32"), Datum("bad", 1, "#c62828")], title="t")
    assert 'fill="#2e7d32"' in chart
    assert 'fill="#c62828"' in chart


def _bar_widths(markup: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect x="190" y="[^"]*" width="([^"]*)"', markup)]


def test_bars_are_proportional_with_value_labels() -> None:
    chart = bar_chart([Datum("HDR", 40), Datum("DxO", 10), Datum("BW", 0)], title="Methods")
    widths = _bar_widths(chart)
    assert widths[0] == 4 * widths[1]
    assert widths[2] == 0
    assert ">40</text>" in chart
    assert ">10</text>" in chart


def test_tiny_bars_stay_visible() -> None:
    widths = _bar_widths(bar_chart([Datum("big", 10**9), Datum("small", 1)], title="t"))
    assert widths[1] >= 1.5


def test_bar_value_format() -> None:
    chart = bar_chart([Datum("CR3", 1536)], title="Storage", value_format=lambda v: f"{v:.0f} B")
    assert ">1536 B</text>" in chart


def test_long_labels_are_clipped_on_the_axis_but_whole_in_the_tooltip() -> None:
    label = "Canon EOS R5 Mark II with a very long name"
    chart = bar_chart([Datum(label, 3)], title="Cameras")
    assert f"<title>{label}: 3</title>" in chart
    assert ">Canon EOS R5 Mark II with a…</text>" in chart


def test_bars_are_drawn_again_for_a_narrow_screen_each_label_above_its_bar() -> None:
    label = "Canon EOS R5 Mark II with a very long name"
    chart = bar_chart([Datum(label, 40), Datum("DxO", 10)], title="Methods")
    assert chart.count("<svg") == 2
    narrow = chart[chart.rindex("<svg") :]
    assert 'viewBox="0 0 320 ' in narrow and 'class="narrow"' in narrow
    widths = [float(w) for w in re.findall(r'<rect x="0" y="[^"]*" width="([^"]*)"', narrow)]
    assert widths[0] == 4 * widths[1]
    label_y = float(re.findall(r'<text x="0" y="([^"]*)"', narrow)[0])
    bar_y = float(re.findall(r'<rect x="0" y="([^"]*)"', narrow)[0])
    assert label_y < bar_y
    assert ">Canon EOS R5 Mark II with a very long…</text>" in narrow  # room for more of it


def test_bar_chart_caps_its_rows() -> None:
    chart = bar_chart([Datum(f"m{i}", i + 1) for i in range(30)], title="t", max_bars=25)
    assert len(_bar_widths(chart)) == 25
    assert "Showing the first 25 of 30" in chart


def test_empty_bar_chart() -> None:
    chart = bar_chart([], title="Processing Methods")
    assert "<svg" not in chart
    assert NOTHING_TO_SHOW in chart


def test_chart_labels_are_escaped() -> None:
    for chart in (
        donut_chart([Datum(NASTY, 1), Datum("b", 1)], title=NASTY),
        bar_chart([Datum(NASTY, 1)], title=NASTY),
    ):
        assert NASTY not in chart
        assert "<script" not in chart
        assert NASTY_ESCAPED in chart
        assert f'aria-label="{NASTY_ESCAPED}"' in chart
