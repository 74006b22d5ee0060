"""Views remember their state: a table's sort and column widths, a splitter's sizes, kept in
the app's settings as they change and put back when the view is made."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QSplitter

from ..settings import AppSettings

__all__ = ["remember_header", "remember_splitter"]


def remember_header(settings: AppSettings, key: str, header: QHeaderView) -> None:
    """Restore the header's sort and widths saved under `key`, and save them when they change."""
    saved = settings.view_state(key)
    if saved is not None:
        header.restoreState(saved)

    def save() -> None:
        settings.set_view_state(key, header.saveState())

    header.sortIndicatorChanged.connect(save)
    header.sectionResized.connect(save)


def remember_splitter(settings: AppSettings, key: str, splitter: QSplitter) -> None:
    saved = settings.view_state(key)
    if saved is not None:
        splitter.restoreState(saved)
    splitter.splitterMoved.connect(lambda *_: settings.set_view_state(key, splitter.saveState()))
