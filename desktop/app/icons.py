"""The app's icons, drawn with QPainter (nothing to download or ship): one per agent state.

Each is a coloured disc with a glyph, readable at 16 px on a light or a dark panel: a square
(stopped), a dot (idle), an arc as long as the job's progress (working), two bars (paused), a
struck-through ring (offline), an exclamation mark (error).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

from .services.agent_control import AgentState, AgentStatus

__all__ = ["STATE_COLOURS", "app_icon", "state_icon"]

STATE_COLOURS = {
    AgentState.STOPPED: QColor("#7a7f87"),
    AgentState.IDLE: QColor("#2e9d57"),
    AgentState.WORKING: QColor("#2f6fd6"),
    AgentState.PAUSED: QColor("#d99a1e"),
    AgentState.OFFLINE: QColor("#8a6bbf"),
    AgentState.ERROR: QColor("#d3343b"),
}
_SIZES = (16, 22, 24, 32, 48, 64, 128)
_WHITE = QColor("#ffffff")


def _stroke(width: float) -> QPen:
    return QPen(_WHITE, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)


def _glyph(painter: QPainter, status: AgentStatus, size: float) -> None:
    centre = QPointF(size / 2, size / 2)
    unit = size / 16
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(_WHITE)
    state = status.state
    if state is AgentState.STOPPED:
        painter.drawRect(QRectF(5 * unit, 5 * unit, 6 * unit, 6 * unit))
    elif state is AgentState.IDLE:
        painter.drawEllipse(centre, 2.6 * unit, 2.6 * unit)
    elif state is AgentState.WORKING:
        ring = QRectF(4 * unit, 4 * unit, 8 * unit, 8 * unit)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(255, 255, 255, 110), 1.8 * unit))
        painter.drawEllipse(ring)
        painter.setPen(_stroke(1.8 * unit))
        share = 0.25 if status.percent is None else max(0.03, min(status.percent, 100) / 100)
        painter.drawArc(ring, 90 * 16, -round(share * 360 * 16))
    elif state is AgentState.PAUSED:
        painter.drawRect(QRectF(5 * unit, 4.5 * unit, 2.2 * unit, 7 * unit))
        painter.drawRect(QRectF(8.8 * unit, 4.5 * unit, 2.2 * unit, 7 * unit))
    elif state is AgentState.OFFLINE:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(_stroke(1.8 * unit))
        painter.drawEllipse(QRectF(4 * unit, 4 * unit, 8 * unit, 8 * unit))
        painter.drawLine(QPointF(3.5 * unit, 12.5 * unit), QPointF(12.5 * unit, 3.5 * unit))
    else:
        painter.drawRect(QRectF(7 * unit, 3.5 * unit, 2 * unit, 6 * unit))
        painter.drawEllipse(QPointF(8 * unit, 11.5 * unit), 1.2 * unit, 1.2 * unit)


def _pixmap(status: AgentStatus, size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(STATE_COLOURS[status.state])
    painter.drawEllipse(QRectF(0.5, 0.5, size - 1, size - 1))
    _glyph(painter, status, size)
    painter.end()
    return pixmap


def state_icon(status: AgentStatus) -> QIcon:
    icon = QIcon()
    for size in _SIZES:
        icon.addPixmap(_pixmap(status, size))
    return icon


def app_icon() -> QIcon:
    return state_icon(AgentStatus(AgentState.IDLE))
