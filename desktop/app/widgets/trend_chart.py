"""A small line chart drawn with QPainter: one value over time, its newest value beside the
title, the lowest and highest on the axis, the first and last day beneath. Colours come from
the palette, so it reads in light and dark mode alike."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

__all__ = ["TrendChart"]

_LINE = QColor("#2f7fd8")
_MARGIN = 8


def _number(value: float, unit: str) -> str:
    shown = f"{value:,.1f}" if unit == "%" and value != int(value) else f"{value:,.0f}"
    return f"{shown} {unit}".rstrip() if unit else shown


class TrendChart(QWidget):
    def __init__(self, title: str, unit: str = "") -> None:
        super().__init__()
        self.title = title
        self.unit = unit
        self.points: tuple[tuple[datetime, float], ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(self.fontMetrics().height() * 6)
        self.setAccessibleName(f"Trend of {title}")
        self._describe()

    def sizeHint(self) -> QSize:
        return QSize(320, self.fontMetrics().height() * 9)

    def set_points(self, points: Sequence[tuple[datetime, float]]) -> None:
        self.points = tuple(sorted(points))
        self._describe()
        self.update()

    def latest(self) -> float | None:
        return self.points[-1][1] if self.points else None

    def _describe(self) -> None:
        """The chart in words, for screen readers and the tooltip."""
        if not self.points:
            text = f"{self.title}: no result yet"
        else:
            first, last = self.points[0], self.points[-1]
            text = (
                f"{self.title}: {_number(last[1], self.unit)} on {last[0]:%-d %b %Y}, "
                f"{len(self.points)} result{'s' if len(self.points) != 1 else ''} since "
                f"{first[0]:%-d %b %Y}"
            )
        self.setToolTip(text)
        self.setAccessibleDescription(text)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        faint = palette.color(QPalette.ColorRole.PlaceholderText)
        metrics = self.fontMetrics()
        line_height = metrics.height()
        bounds = QRectF(self.rect()).adjusted(_MARGIN, _MARGIN, -_MARGIN, -_MARGIN)
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))

        painter.setPen(text)
        title = self.title
        newest = self.latest()
        if newest is not None:
            title = f"{title}: {_number(newest, self.unit)}"
        painter.drawText(bounds.topLeft() + QPointF(0, metrics.ascent()), title)
        if not self.points:
            painter.setPen(faint)
            painter.drawText(bounds, Qt.AlignmentFlag.AlignCenter, "No result yet")
            return

        values = [value for _, value in self.points]
        low, high = min(values), max(values)
        axis = max(metrics.horizontalAdvance(_number(v, self.unit)) for v in (low, high)) + 6
        plot = bounds.adjusted(axis, line_height * 1.5, -4, -line_height * 1.4)
        painter.setPen(QPen(faint, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        marks = (
            ((high, plot.top()), (low, plot.bottom()))
            if high != low
            else ((low, plot.center().y()),)
        )
        for value, y in marks:
            label = QRectF(bounds.left(), y - line_height / 2, axis - 6, line_height)
            painter.drawText(label, right, _number(value, self.unit))
        first, last = self.points[0][0], self.points[-1][0]
        below = QRectF(plot.left(), plot.bottom() + 2, plot.width(), line_height)
        painter.drawText(below, Qt.AlignmentFlag.AlignLeft, f"{first:%-d %b}")
        if last.date() != first.date():
            painter.drawText(below, Qt.AlignmentFlag.AlignRight, f"{last:%-d %b}")

        span = (last - first).total_seconds()
        spread = high - low

        def at(moment: datetime, value: float) -> QPointF:
            x = 0.5 if span == 0 else (moment - first).total_seconds() / span
            y = 0.5 if spread == 0 else (value - low) / spread
            return QPointF(plot.left() + x * plot.width(), plot.bottom() - y * plot.height())

        shown = [at(moment, value) for moment, value in self.points]
        path = QPainterPath(shown[0])
        for point in shown[1:]:
            path.lineTo(point)
        painter.setPen(QPen(_LINE, 2))
        painter.drawPath(path)
        painter.setBrush(_LINE)
        for point in shown:
            painter.drawEllipse(point, 3, 3)
