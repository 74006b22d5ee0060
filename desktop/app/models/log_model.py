"""The log viewer's Qt models: the records of the log file, and a filter by level and text."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel
from PySide6.QtGui import QColor

from ..logs import LEVEL_NUMBERS, LogRecord
from .table import Column, RowsModel

__all__ = ["LogFilter", "log_model"]

_ERROR = QColor("#d3343b")
_LEVEL_COLOURS = {"WARNING": QColor("#c77c00"), "ERROR": _ERROR, "CRITICAL": _ERROR}


def _first_line(record: LogRecord) -> str:
    return record.message.partition("\n")[0]


def log_model() -> RowsModel[LogRecord]:
    return RowsModel(
        [
            Column("Time", lambda r: r.time),
            Column("Level", lambda r: r.level, colour=lambda r: _LEVEL_COLOURS.get(r.level)),
            Column("Source", lambda r: r.source),
            Column("Message", _first_line, tooltip=lambda r: r.message),
        ]
    )


class LogFilter(QSortFilterProxyModel):
    """Records at or above a level whose text contains the search (case-insensitive)."""

    def __init__(self, source: RowsModel[LogRecord]) -> None:
        super().__init__()
        self._source = source
        self._min_level = 0
        self._search = ""
        self.setSourceModel(source)

    def set_min_level(self, level: int) -> None:
        self.beginFilterChange()
        self._min_level = level
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self._search = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        record = self._source.row(source_row)
        if LEVEL_NUMBERS[record.level] < self._min_level:
            return False
        return not self._search or any(
            self._search in part.casefold() for part in (record.message, record.source, record.time)
        )
