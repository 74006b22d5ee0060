"""A pipeline drawn as boxes and arrows, coloured by node type, in layers from left to right,
scaled down (to half at most) to fit the space it has.

The layout is a simple layered one: a node's layer is its distance (in edges) from a node that
nothing leads to; nodes of one layer stand in a column in the order the definition lists them.
An edge that goes back (a loop) or stays in its layer is drawn as a curve above the boxes.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

__all__ = ["TYPE_COLOURS", "PipelineGraph", "layers"]

TYPE_COLOURS = {
    "capture": QColor("#2f7fd8"),
    "file": QColor("#3f8f4a"),
    "process": QColor("#c77c00"),
    "pairing": QColor("#8a5cc7"),
    "branching": QColor("#b0457d"),
    "termination": QColor("#d3343b"),
}
_OTHER = QColor("#7a7a7a")
_BOX_W, _BOX_H, _GAP_X, _GAP_Y, _MARGIN = 150, 44, 56, 18, 16
_SMALLEST = 0.5


def _nodes(definition: Mapping[str, Any]) -> list[dict[str, Any]]:
    found = definition.get("nodes")
    return (
        [n for n in found if isinstance(n, dict) and n.get("id")] if isinstance(found, list) else []
    )


def _edges(definition: Mapping[str, Any]) -> list[tuple[str, str]]:
    found = definition.get("edges")
    if not isinstance(found, list):
        return []
    return [
        (str(e.get("from")), str(e.get("to")))
        for e in found
        if isinstance(e, dict) and e.get("from") and e.get("to")
    ]


def layers(definition: Mapping[str, Any]) -> dict[str, int]:
    """Node id → its layer: the fewest edges from a node nothing leads to (0 if none does)."""
    ids = [str(n["id"]) for n in _nodes(definition)]
    edges = [(a, b) for a, b in _edges(definition) if a in ids and b in ids]
    targets = {b for _, b in edges}
    sources = [i for i in ids if i not in targets] or ids[:1]
    layer = dict.fromkeys(sources, 0)
    queue = deque(sources)
    while queue:
        node = queue.popleft()
        for a, b in edges:
            if a == node and b not in layer:
                layer[b] = layer[node] + 1
                queue.append(b)
    return {i: layer.get(i, 0) for i in ids}


class PipelineGraph(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.definition: Mapping[str, Any] = {}
        self._boxes: dict[str, QRectF] = {}
        self.setAccessibleName("Pipeline graph")
        self.setMinimumSize(200, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_definition(self, definition: Mapping[str, Any]) -> None:
        self.definition = definition
        self._boxes = self._place()
        self.updateGeometry()
        self.update()
        count = len(self._boxes)
        self.setAccessibleDescription(f"{count} steps, {len(_edges(definition))} connections")

    def boxes(self) -> dict[str, QRectF]:
        return dict(self._boxes)

    def _place(self) -> dict[str, QRectF]:
        by_layer: dict[int, list[str]] = {}
        for node, layer in layers(self.definition).items():
            by_layer.setdefault(layer, []).append(node)
        return {
            node: QRectF(
                _MARGIN + layer * (_BOX_W + _GAP_X),
                _MARGIN + 30 + row * (_BOX_H + _GAP_Y),
                _BOX_W,
                _BOX_H,
            )
            for layer, nodes in by_layer.items()
            for row, node in enumerate(nodes)
        }

    def sizeHint(self) -> QSize:
        if not self._boxes:
            return QSize(300, 160)
        right = max(box.right() for box in self._boxes.values())
        bottom = max(box.bottom() for box in self._boxes.values())
        return QSize(int(right) + _MARGIN, int(bottom) + _MARGIN)

    def scale(self) -> float:
        """How much the drawing is shrunk to fit: 1 when it fits, never below a half."""
        natural = self.sizeHint()
        fit = min(self.width() / natural.width(), self.height() / natural.height())
        return max(_SMALLEST, min(1.0, fit))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        if self._boxes:
            painter.scale(self.scale(), self.scale())
        text = palette.color(QPalette.ColorRole.Text)
        if not self._boxes:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No steps yet")
            return
        self._legend(painter, text)
        painter.setPen(QPen(text, 1.4))
        for a, b in _edges(self.definition):
            if a in self._boxes and b in self._boxes:
                self._arrow(painter, self._boxes[a], self._boxes[b], text)
        for node in _nodes(self.definition):
            self._box(painter, node, self._boxes[str(node["id"])])

    def _legend(self, painter: QPainter, text: QColor) -> None:
        x = float(_MARGIN)
        metrics = self.fontMetrics()
        for kind, colour in TYPE_COLOURS.items():
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(QRectF(x, _MARGIN + 2, 12, 12), 3, 3)
            painter.setPen(text)
            painter.drawText(QPointF(x + 16, _MARGIN + 12), kind)
            x += 16 + metrics.horizontalAdvance(kind) + 14

    def _box(self, painter: QPainter, node: Mapping[str, Any], box: QRectF) -> None:
        kind = str(node.get("type", "")).lower()
        colour = TYPE_COLOURS.get(kind, _OTHER)
        properties = node.get("properties")
        name = properties.get("name") if isinstance(properties, dict) else None
        painter.setPen(QPen(colour.darker(130), 1.2))
        painter.setBrush(colour)
        painter.drawRoundedRect(box, 7, 7)
        painter.setPen(QColor("white"))
        metrics = self.fontMetrics()
        inner = box.adjusted(6, 3, -6, -3)
        title = metrics.elidedText(
            str(name or node["id"]), Qt.TextElideMode.ElideRight, int(inner.width())
        )
        detail = metrics.elidedText(
            f"{kind} · {node['id']}", Qt.TextElideMode.ElideRight, int(inner.width())
        )
        painter.drawText(inner, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, title)
        painter.drawText(
            inner, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, detail
        )

    def _arrow(self, painter: QPainter, start: QRectF, end: QRectF, colour: QColor) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if end.left() > start.right():  # forward: from the right side to the left side
            a = QPointF(start.right(), start.center().y())
            b = QPointF(end.left(), end.center().y())
            bend = (b.x() - a.x()) / 2
            path = QPainterPath(a)
            path.cubicTo(a + QPointF(bend, 0), b - QPointF(bend, 0), b)
            tip_from = b - QPointF(bend, 0)
        else:  # back or within the layer: a loop over the top
            a = QPointF(start.center().x(), start.top())
            b = QPointF(end.center().x() + 10, end.top())
            lift = QPointF(0, -_GAP_Y - 10)
            path = QPainterPath(a)
            path.cubicTo(a + lift, b + lift, b)
            tip_from = b + lift
        painter.drawPath(path)
        angle = math.atan2(b.y() - tip_from.y(), b.x() - tip_from.x())
        head = QPolygonF(
            [
                b,
                b - QPointF(math.cos(angle - 0.4) * 9, math.sin(angle - 0.4) * 9),
                b - QPointF(math.cos(angle + 0.4) * 9, math.sin(angle + 0.4) * 9),
            ]
        )
        painter.setBrush(colour)
        painter.drawPolygon(head)
