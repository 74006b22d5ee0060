"""A read-only table model over a list of rows, its columns declared once.

Views show long lists through these (no widget per row), so ten thousand rows scroll smoothly.
A column's `value` (the text when not given) is what it sorts by, and what `VALUE_ROLE` gives a
delegate; the model sorts itself, in one pass of Python, not by Qt comparing cell by cell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

__all__ = ["VALUE_ROLE", "Column", "RowsModel"]

Row = TypeVar("Row")
_Index = QModelIndex | QPersistentModelIndex
VALUE_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class Column(Generic[Row]):
    header: str
    text: Callable[[Row], str]
    tooltip: Callable[[Row], str] | None = None
    colour: Callable[[Row], QColor | None] | None = None  # of the text
    numeric: bool = False  # right-aligned
    value: Callable[[Row], Any] | None = None  # to sort by; the text when None


class RowsModel(QAbstractTableModel, Generic[Row]):
    def __init__(self, columns: Sequence[Column[Row]]) -> None:
        super().__init__()
        self._columns = tuple(columns)
        self._rows: list[Row] = []
        self._sorted: tuple[int, Qt.SortOrder] | None = None  # kept when new rows come

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if self._sorted is not None:
            self._rows = self._in_order(*self._sorted)
        self.endResetModel()

    def row(self, index: int) -> Row:
        return self._rows[index]

    def rows(self) -> list[Row]:
        return list(self._rows)

    def replace(self, index: int, row: Row) -> None:
        """Row `index` becomes `row` (a job's progress, a renamed agent)."""
        self._rows[index] = row
        last = len(self._columns) - 1
        self.dataChanged.emit(self.index(index, 0), self.index(index, last))

    def _ranked(self, column: int, order: Qt.SortOrder) -> list[int]:
        """The rows' indexes in the order of `column`."""
        shown = self._columns[column]
        keys = [_sortable(self._value(shown, row)) for row in self._rows]
        descending = order == Qt.SortOrder.DescendingOrder
        return sorted(range(len(keys)), key=keys.__getitem__, reverse=descending)

    def _in_order(self, column: int, order: Qt.SortOrder) -> list[Row]:
        return [self._rows[i] for i in self._ranked(column, order)]

    def _value(self, column: Column[Row], row: Row) -> Any:
        return (column.value or column.text)(row)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        self._sorted = (column, order)
        ranked = self._ranked(column, order)
        self.layoutAboutToBeChanged.emit()
        self._rows = [self._rows[old] for old in ranked]
        moved = {old: new for new, old in enumerate(ranked)}
        before = self.persistentIndexList()
        after = [self.index(moved[i.row()], i.column()) for i in before]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].header
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self._columns[index.column()]
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.ForegroundRole and column.colour is not None:
            return column.colour(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == VALUE_ROLE:
            return self._value(column, row)
        return None


def _sortable(value: Any) -> tuple[bool, Any]:
    """None (not known) sorts after every value."""
    return (True, 0) if value is None else (False, value)
