"""Views remember their state: a table's sort and a splitter's sizes come back in a new window
(a new settings object over the same file, as after a restart)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter
from pytestqt.qtbot import QtBot

from shuttersense.desktop.app.settings import AppSettings
from shuttersense.desktop.app.widgets.collection_detail import CollectionDetailPane
from shuttersense.desktop.app.widgets.remembered import remember_splitter


def test_a_tables_sort_comes_back(qtbot: QtBot, app_settings: AppSettings) -> None:
    first = CollectionDetailPane(app_settings)
    qtbot.addWidget(first)
    first.what_to_fix.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    app_settings.sync()
    again = CollectionDetailPane(AppSettings(app_settings.path))
    qtbot.addWidget(again)
    header = again.what_to_fix.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        4,
        Qt.SortOrder.DescendingOrder,
    )


def split(settings: AppSettings, qtbot: QtBot) -> QSplitter:
    splitter = QSplitter()
    splitter.addWidget(QLabel("left"))
    splitter.addWidget(QLabel("right"))
    splitter.resize(600, 200)
    qtbot.addWidget(splitter)
    remember_splitter(settings, "test/splitter", splitter)
    splitter.show()
    return splitter


def test_a_splitter_comes_back(qtbot: QtBot, app_settings: AppSettings) -> None:
    first = split(app_settings, qtbot)
    first.setSizes([150, 450])
    first.splitterMoved.emit(150, 1)  # what dragging the handle tells
    app_settings.sync()
    again = split(AppSettings(app_settings.path), qtbot)
    assert again.sizes() == first.sizes()
