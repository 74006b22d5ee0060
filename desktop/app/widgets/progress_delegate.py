"""A progress bar drawn in a table cell (no widget per row): the cell's `VALUE_ROLE` is the
percent, and None draws the cell as text. Painted in the palette's colours, so it reads in
light and dark mode alike."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from ..models.table import VALUE_ROLE

__all__ = ["ProgressDelegate"]


class ProgressDelegate(QStyledItemDelegate):
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        value = index.data(VALUE_ROLE)
        if value is None:
            super().paint(painter, option, index)
            return
        palette: QPalette = option.palette  # type: ignore[attr-defined]
        cell = QRectF(option.rect).adjusted(3, 4, -3, -4)  # type: ignore[attr-defined]
        share = max(0.0, min(float(value), 100.0)) / 100
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(cell, 3, 3)
        filled = QRectF(cell.left(), cell.top(), cell.width() * share, cell.height())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
        painter.drawRoundedRect(filled, 3, 3)
        stage = index.data(Qt.ItemDataRole.DisplayRole) or ""
        text = f"{value:.0f} %" + (f" · {stage}" if stage else "")
        metrics = option.fontMetrics  # type: ignore[attr-defined]
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(cell.width()) - 8)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.drawText(cell.adjusted(4, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter, shown)
        painter.restore()
