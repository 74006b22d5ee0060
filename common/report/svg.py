"""Charts drawn as inline SVG: a donut with a legend, and a horizontal bar chart (a line chart
over time, built from the same parts, is in line_chart.py).

No script and no external resource: each chart is a <figure> holding its own SVG, so it prints
and works offline. Labels come from data and go through the same escaping as the rest of the page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .format import format_count, format_ratio
from .html import Markup, empty_note, render, tag
from .palette import OTHER_COLOUR, SERIES_COLOURS

__all__ = [
    "NOTHING_TO_SHOW",
    "Datum",
    "ValueFormat",
    "bar_chart",
    "donut_chart",
    "figure",
    "number",
]

ValueFormat = Callable[[float], str]

NOTHING_TO_SHOW = "Nothing to show."


@dataclass(frozen=True, slots=True)
class Datum:
    """One slice or bar; without a colour it takes the next series colour."""

    label: str
    value: float
    colour: str | None = None


def number(value: float) -> str:
    """A coordinate: three decimals at most, no trailing zeros."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _coloured(data: Sequence[Datum]) -> list[Datum]:
    return [
        item
        if item.colour
        else Datum(item.label, item.value, SERIES_COLOURS[i % len(SERIES_COLOURS)])
        for i, item in enumerate(data)
    ]


def figure(title: str, *body: Markup, kind: str) -> Markup:
    """A chart: its title as the caption, then its body."""
    return tag("figure", tag("figcaption", title), body, class_=f"chart {kind}")


def _swatch(colour: str) -> Markup:
    return tag(
        "svg",
        tag("rect", width=12, height=12, rx=2, fill=colour),
        viewBox="0 0 12 12",
        width=12,
        height=12,
        aria_hidden="true",
        class_="swatch",
    )


# --- donut -------------------------------------------------------------------------------------

_CENTRE = 100.0
_OUTER = 92.0
_INNER = 58.0


def _point(radius: float, turn: float) -> str:
    """The point at `turn` (0..1, clockwise from 12 o'clock) on a circle around the centre."""
    angle = 2 * math.pi * turn - math.pi / 2
    return (
        f"{number(_CENTRE + radius * math.cos(angle))} {number(_CENTRE + radius * math.sin(angle))}"
    )


def _ring_segment(start: float, end: float) -> str:
    """The path of a ring segment from `start` to `end` turns (end - start < 1).

    Each edge is drawn as two arcs through the middle angle: an arc whose two ends (nearly)
    coincide is dropped by SVG renderers, which would erase a slice of, say, 99.999 %.
    """
    middle = (start + end) / 2
    outer = f"A {number(_OUTER)} {number(_OUTER)} 0 0 1"
    inner = f"A {number(_INNER)} {number(_INNER)} 0 0 0"
    return (
        f"M {_point(_OUTER, start)} {outer} {_point(_OUTER, middle)} {outer} {_point(_OUTER, end)}"
        f" L {_point(_INNER, end)} {inner} {_point(_INNER, middle)} {inner} {_point(_INNER, start)}"
        " Z"
    )


def _with_other(data: list[Datum], limit: int) -> list[Datum]:
    if len(data) <= limit:
        return data
    rest = data[limit - 1 :]
    other = Datum(f"Other ({len(rest)})", sum(item.value for item in rest), OTHER_COLOUR)
    return [*data[: limit - 1], other]


def donut_chart(
    data: Sequence[Datum],
    *,
    title: str,
    caption: str = "",
    value_format: ValueFormat = format_count,
    max_slices: int = 10,
) -> Markup:
    """A donut with the total in the middle and a legend (label, value, percent).

    Slices keep the given order; past `max_slices` the tail is merged into "Other". Zero values
    stay in the legend but draw nothing; with nothing above zero there is no chart at all.
    """
    items = _with_other(_coloured([d for d in data if d.value >= 0]), max_slices)
    total = sum(item.value for item in items)
    if total <= 0:
        return figure(title, empty_note(NOTHING_TO_SHOW), kind="donut")

    drawn = [item for item in items if item.value > 0]
    shapes: list[Markup] = []
    if len(drawn) == 1:
        # One slice is the whole ring; an arc cannot close on itself, a stroked circle can.
        only = drawn[0]
        shapes.append(
            tag(
                "circle",
                tag("title", _describe(only, total, value_format)),
                cx=number(_CENTRE),
                cy=number(_CENTRE),
                r=number((_OUTER + _INNER) / 2),
                fill="none",
                stroke=only.colour,
                stroke_width=number(_OUTER - _INNER),
            )
        )
    else:
        start = 0.0
        for item in drawn:
            end = start + item.value / total
            shapes.append(
                tag(
                    "path",
                    tag("title", _describe(item, total, value_format)),
                    d=_ring_segment(start, end),
                    fill=item.colour,
                    stroke="#ffffff",
                    stroke_width="1.5",
                    stroke_linejoin="round",
                )
            )
            start = end

    total_text = value_format(total)
    # A long total gets a smaller font so it stays inside the ring ("1,000,000").
    length = "" if len(total_text) <= 6 else " long" if len(total_text) <= 7 else " longer"
    centre = [
        tag(
            "text",
            total_text,
            x=100,
            y=100 if caption else 107,
            text_anchor="middle",
            class_="donut-total" + length,
        ),
        tag("text", caption, x=100, y=122, text_anchor="middle", class_="donut-caption")
        if caption
        else None,
    ]
    svg = tag(
        "svg",
        tag("title", title),
        shapes,
        centre,
        viewBox="0 0 200 200",
        width=200,
        height=200,
        role="img",
        aria_label=title,
    )
    legend_rows = (
        tag(
            "tr",
            tag("td", _swatch(item.colour or OTHER_COLOUR)),
            tag("td", item.label, class_="legend-label"),
            tag("td", value_format(item.value), class_="num"),
            tag("td", format_ratio(item.value, total), class_="num"),
        )
        for item in items
    )
    legend = tag("table", tag("tbody", legend_rows), class_="legend")
    return figure(title, tag("div", svg, legend, class_="donut-body"), kind="donut")


def _describe(item: Datum, total: float, value_format: ValueFormat) -> str:
    return f"{item.label}: {value_format(item.value)} ({format_ratio(item.value, total)})"


# --- bars --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Bars:
    """Where a bar chart puts its parts; `label_y` and `bar_y` are from the top of a row."""

    kind: str
    width: int
    bar_x: int
    span: int
    row: int
    label_x: int
    label_y: int
    label_anchor: str
    label_chars: int
    bar_y: int
    bar_height: int


# Wide: the label left of its bar. Narrow (a phone, see the stylesheet): the label above its
# bar, so both keep a readable size in a third of the width.
_WIDE = _Bars("wide", 640, 190, 354, 26, 182, 13, "end", 28, 5, 16)
_NARROW = _Bars("narrow", 320, 0, 250, 36, 0, 9, "start", 38, 18, 12)
_PAD = 6


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    data: Sequence[Datum],
    *,
    title: str,
    value_format: ValueFormat = format_count,
    max_bars: int = 25,
) -> Markup:
    """Horizontal bars in the given order, each with its value at the end: drawn twice, for a
    wide and a narrow screen (the stylesheet shows one).

    Long labels are clipped on the axis and given in full in the bar's tooltip. Past `max_bars`
    a note says how many bars were left out.
    """
    if not data:
        return figure(title, empty_note(NOTHING_TO_SHOW), kind="bars")
    items = _coloured(data[:max_bars])
    drawn = (_bars(items, layout, title, value_format) for layout in (_WIDE, _NARROW))
    note = None
    if len(data) > max_bars:
        note = tag(
            "p",
            f"Showing the first {max_bars} of {format_count(len(data))}; "
            "the rest are in the JSON output.",
            class_="more",
        )
    return figure(title, render(drawn, note), kind="bars")


def _bars(items: list[Datum], layout: _Bars, title: str, value_format: ValueFormat) -> Markup:
    scale = max(max(item.value for item in items), 0) or 1
    height = len(items) * layout.row + 2 * _PAD
    rows: list[Markup] = []
    for i, item in enumerate(items):
        top = _PAD + i * layout.row
        bar_middle = top + layout.bar_y + layout.bar_height / 2
        length = max(item.value, 0) / scale * layout.span
        if item.value > 0:
            length = max(length, 1.5)  # keep tiny values visible
        rows.append(
            tag(
                "g",
                tag("title", f"{item.label}: {value_format(item.value)}"),
                tag(
                    "text",
                    _clip(item.label, layout.label_chars),
                    x=layout.label_x,
                    y=number(top + layout.label_y),
                    dy="0.35em",
                    text_anchor=layout.label_anchor,
                    class_="bar-label",
                ),
                tag(
                    "rect",
                    x=layout.bar_x,
                    y=number(top + layout.bar_y),
                    width=number(length),
                    height=layout.bar_height,
                    rx=2,
                    fill=item.colour,
                ),
                tag(
                    "text",
                    value_format(item.value),
                    x=number(layout.bar_x + length + 6),
                    y=number(bar_middle),
                    dy="0.35em",
                    class_="bar-value",
                ),
            )
        )
    axis = tag(
        "line",
        x1=layout.bar_x,
        y1=_PAD - 2,
        x2=layout.bar_x,
        y2=height - _PAD + 2,
        class_="axis",
    )
    return tag(
        "svg",
        tag("title", title),
        rows,
        axis,
        viewBox=f"0 0 {layout.width} {height}",
        width="100%",
        preserveAspectRatio="xMinYMin meet",
        role="img",
        aria_label=title,
        class_=layout.kind,
    )
