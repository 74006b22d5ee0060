"""Small building blocks of the views: a figure tile, a table that says when it is empty, and a
notice bar for what the user should know now."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

__all__ = ["NoticeBar", "StatTile", "TablePane", "heading"]


def heading(text: str, scale: float = 1.25) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    return label


class StatTile(QFrame):
    """One figure with its name beneath."""

    def __init__(self, title: str, tooltip: str = "") -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setToolTip(tooltip)
        self.value = heading("—", scale=2.0)
        self.value.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.detail = QLabel()
        self.title = QLabel(title)
        self.title.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.detail.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        figure = QHBoxLayout()
        figure.addWidget(self.value)
        figure.addWidget(self.detail, 1, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.addLayout(figure)
        layout.addWidget(self.title)

    def set_value(self, value: int | None, detail: str = "") -> None:
        """The figure ("—": not known yet) and a few words beside it."""
        self.value.setText("—" if value is None else f"{value:,}")
        self.detail.setText(detail)


class TablePane(QWidget):
    """A titled table over `model`; a sentence instead while the model has no row."""

    def __init__(
        self, title: str, model: QAbstractItemModel, empty: str, stretch_column: int = -1
    ) -> None:
        """`stretch_column` takes the width left (the last one when not given)."""
        super().__init__()
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab goes on to the next control; arrows move in it
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # From the rows in sight only: Qt's default reads 1,000 rows' cells at every reset, 0.3 s
        # on the UI thread for the 100,000 findings of a 1M-file collection.
        header.setResizeContentsPrecision(0)
        if stretch_column < 0:
            header.setStretchLastSection(True)
        else:
            header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel(empty)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._stack = QStackedWidget()
        self._stack.addWidget(self.empty)
        self._stack.addWidget(self.table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading(title, scale=1.1))
        layout.addWidget(self._stack, 1)
        self._model = model
        model.modelReset.connect(self._switch)
        model.rowsInserted.connect(self._switch)
        model.rowsRemoved.connect(self._switch)
        self._switch()

    def _switch(self) -> None:
        self._stack.setCurrentWidget(self.table if self._model.rowCount() else self.empty)

    def showing_table(self) -> bool:
        return self._stack.currentWidget() is self.table


class NoticeBar(QFrame):
    """A line across the top of a window: what happened, an optional action, and ✕."""

    def __init__(self) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action = QPushButton()
        self.action.clicked.connect(self._act)
        self._on_action: Callable[[], None] | None = None
        close = QPushButton("✕")
        close.setToolTip("Hide this message")
        close.setAccessibleName("Hide this message")
        close.setFlat(True)
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.action)
        layout.addWidget(close)
        self.hide()

    def say(self, text: str, action: str = "", on_action: Callable[[], None] | None = None) -> None:
        self.text.setText(text)
        self.action.setText(action)
        self.action.setVisible(bool(action))
        self._on_action = on_action
        self.show()

    def _act(self) -> None:
        if self._on_action is not None:
            self._on_action()
