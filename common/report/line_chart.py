"""A line chart over time as inline SVG, for trends: one value per day, oldest on the left.

Drawn with the same building blocks as the report's other charts (svg.py): a <figure> holding
its own SVG, labels escaped like the rest of the page, a tooltip on every point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .format import format_count
from .html import Markup, empty_note, tag
from .palette import SERIES_COLOURS
from .svg import NOTHING_TO_SHOW, ValueFormat, figure, number

__all__ = ["DayValue", "line_chart"]

_WIDTH = 640
_HEIGHT = 200
_LEFT = 64  # room for the value labels
_RIGHT = 16
_TOP = 12
_BOTTOM = 30  # room for the dates


@dataclass(frozen=True, slots=True)
class DayValue:
    day: str  # as shown: `2026-03-01`
    value: float


def _y_range(values: list[float]) -> tuple[float, float]:
    """From zero (or the lowest value, when below zero) to the highest value."""
    low, high = min(min(values), 0.0), max(values)
    return (low, high) if high > low else (low, low + 1)


def line_chart(
    points: Sequence[DayValue], *, title: str, value_format: ValueFormat = format_count
) -> Markup:
    """The values joined by a line, a dot on each with its day and value as a tooltip; the
    first and last days under the axis, zero and the highest value beside it."""
    if not points:
        return figure(title, empty_note(NOTHING_TO_SHOW), kind="line")
    values = [point.value for point in points]
    low, high = _y_range(values)
    span_x = _WIDTH - _LEFT - _RIGHT
    span_y = _HEIGHT - _TOP - _BOTTOM
    step = span_x / (len(points) - 1) if len(points) > 1 else 0.0

    def x(index: int) -> float:
        return _LEFT + (index * step if len(points) > 1 else span_x / 2)

    def y(value: float) -> float:
        return _TOP + span_y * (high - value) / (high - low)

    colour = SERIES_COLOURS[0]
    path = " ".join(
        f"{'M' if i == 0 else 'L'} {number(x(i))} {number(y(p.value))}"
        for i, p in enumerate(points)
    )
    dots = [
        tag(
            "circle",
            tag("title", f"{p.day}: {value_format(p.value)}"),
            cx=number(x(i)),
            cy=number(y(p.value)),
            r=3.5,
            fill=colour,
        )
        for i, p in enumerate(points)
    ]
    bottom = _HEIGHT - _BOTTOM
    guides = [
        tag("line", x1=_LEFT, y1=number(y(v)), x2=_WIDTH - _RIGHT, y2=number(y(v)), class_="grid")
        for v in {low, high}
    ]
    value_labels = [
        tag(
            "text",
            value_format(v),
            x=_LEFT - 8,
            y=number(y(v)),
            dy="0.35em",
            text_anchor="end",
            class_="axis-label",
        )
        for v in {low, high}
    ]
    day_labels = [
        tag("text", points[0].day, x=_LEFT, y=bottom + 18, class_="axis-label"),
        tag(
            "text",
            points[-1].day,
            x=_WIDTH - _RIGHT,
            y=bottom + 18,
            text_anchor="end",
            class_="axis-label",
        )
        if len(points) > 1
        else None,
    ]
    svg = tag(
        "svg",
        tag("title", title),
        guides,
        tag("line", x1=_LEFT, y1=bottom, x2=_WIDTH - _RIGHT, y2=bottom, class_="axis"),
        tag("path", d=path, fill="none", stroke=colour, stroke_width=2, stroke_linejoin="round")
        if len(points) > 1
        else None,
        dots,
        value_labels,
        day_labels,
        viewBox=f"0 0 {_WIDTH} {_HEIGHT}",
        width="100%",
        preserveAspectRatio="xMinYMin meet",
        role="img",
        aria_label=title,
    )
    return figure(title, svg, kind="line")
