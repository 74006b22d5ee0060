"""The main window: navigation on the left, one view at a time, size, place and last view
remembered. Closing it keeps the app in the tray, or quits where there is no tray."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..settings import AppSettings
from ..widgets.panels import NoticeBar

__all__ = ["VIEWS", "MainWindow"]

# (name, navigation text); Ctrl+1 … Ctrl+6 in this order.
VIEWS = (
    ("overview", "&Overview"),
    ("collections", "&Collections"),
    ("pipelines", "&Pipelines"),
    ("jobs", "&Jobs"),
    ("agents", "&Agents"),
    ("settings", "&Settings"),
)


class MainWindow(QMainWindow):
    quit_requested = Signal()
    hidden_to_tray = Signal()

    def __init__(self, settings: AppSettings, views: dict[str, QWidget]) -> None:
        super().__init__()
        self.setWindowTitle("ShutterSense")
        self.setMinimumSize(QSize(760, 520))
        self._settings = settings
        self.keep_in_tray = False
        self.views = {name: views[name] for name, _ in VIEWS}
        self.nav = QListWidget()
        self.nav.setAccessibleName("Views")
        self.nav.setFixedWidth(self.nav.fontMetrics().horizontalAdvance("M" * 13))
        self.stack = QStackedWidget()
        for name, text in VIEWS:
            item = QListWidgetItem(text.replace("&", ""))
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.nav.addItem(item)
            self.stack.addWidget(self.views[name])
        self.nav.currentRowChanged.connect(self._row_changed)
        self.notice = NoticeBar()
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.notice)
        right.addWidget(self.stack, 1)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addLayout(right, 1)
        self.setCentralWidget(central)
        self._menus()
        self.statusBar()
        self._restore()

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        close = QAction("&Close window", self)
        close.setShortcut(QKeySequence.StandardKey.Close)
        close.triggered.connect(self.close)
        quit_action = QAction("&Quit ShutterSense", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.quit_requested)
        file_menu.addActions([close, quit_action])
        view_menu = self.menuBar().addMenu("&View")
        for number, (name, text) in enumerate(VIEWS, start=1):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _=False, n=name: self.show_view(n))
            view_menu.addAction(action)

    def _restore(self) -> None:
        geometry = self._settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1100, 720)
        last = self._settings.last_view()
        self.show_view(last if last in self.views else "overview")

    def _row_changed(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentIndex(row)

    def show_view(self, name: str) -> None:
        self.nav.setCurrentRow([view for view, _ in VIEWS].index(name))

    def current_view(self) -> str:
        return VIEWS[self.stack.currentIndex()][0]

    def save_state(self) -> None:
        self._settings.set_geometry(self.saveGeometry())
        self._settings.set_last_view(self.current_view())

    def bring_to_front(self) -> None:
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        if self.keep_in_tray:
            event.ignore()
            self.hide()
            self.hidden_to_tray.emit()
            return
        event.accept()
        self.quit_requested.emit()
