"""The log viewer: the app's log file as a table, filtered by level and searched by text.

The file is read on the worker pool, when the viewer is shown and whenever the file changes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QUrl
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..logs import LEVEL_NUMBERS, LogRecord, read_log_tail
from ..models.log_model import LogFilter, log_model
from ..workers import Workers

__all__ = ["LogViewer"]

_LEVEL_CHOICES = (
    ("All levels", 0),
    ("Info and above", LEVEL_NUMBERS["INFO"]),
    ("Warnings and errors", LEVEL_NUMBERS["WARNING"]),
    ("Errors only", LEVEL_NUMBERS["ERROR"]),
)


class LogViewer(QWidget):
    def __init__(self, path: Path, workers: Workers) -> None:
        super().__init__()
        self.path = path
        self._workers = workers
        self._loading = False
        self.model = log_model()
        self.filter = LogFilter(self.model)
        self.level = QComboBox()
        self.level.setAccessibleName("Show log records of level")
        for text, number in _LEVEL_CHOICES:
            self.level.addItem(text, number)
        self.level.currentIndexChanged.connect(
            lambda: self.filter.set_min_level(int(self.level.currentData()))
        )
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search the log")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.filter.set_search)
        reload_button = QPushButton("Re&load")
        reload_button.clicked.connect(self.reload)
        folder = QPushButton("Open log &folder")
        folder.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path.parent)))
        )
        self.table = QTableView()
        self.table.setModel(self.filter)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.place = QLabel(f"Log file: {path}")
        self.place.setWordWrap(True)
        tools = QHBoxLayout()
        tools.addWidget(self.level)
        tools.addWidget(self.search, 1)
        tools.addWidget(reload_button)
        tools.addWidget(folder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.place)
        self.setTabOrder(self.level, self.search)
        self.setTabOrder(self.search, self.table)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self.reload)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        if self._loading:
            return
        self._loading = True
        path = self.path
        self._workers.run(
            lambda: (read_log_tail(path), path.exists()), self._loaded, self._failed, owner=self
        )

    def _loaded(self, loaded: tuple[list[LogRecord], bool]) -> None:
        records, exists = loaded
        self._loading = False
        self.model.set_rows(records)
        self.table.scrollToBottom()
        if exists and str(self.path) not in self._watcher.files():
            self._watcher.addPath(str(self.path))  # a rotated file is watched anew

    def _failed(self, error: Exception) -> None:
        self._loading = False
        self.place.setText(f"Cannot read the log file {self.path}: {error}")
