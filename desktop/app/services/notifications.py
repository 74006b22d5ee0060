"""Desktop notifications: the tray's messages, each kind switchable in Settings.

Without a tray host the notice goes to the main window's status bar instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow

from ..settings import AppSettings
from ..tray import Tray
from .news import Notice, NoticeKind

__all__ = ["Notifier"]

log = logging.getLogger(__name__)

_STATUS_BAR_MS = 60_000


class Notifier(QObject):
    posted = Signal(object)  # each Notice shown

    def __init__(self, settings: AppSettings, tray: Tray, window: QMainWindow) -> None:
        super().__init__(window)
        self._settings = settings
        self._tray = tray
        self._window = window

    def post(self, notices: Iterable[Notice]) -> None:
        for notice in notices:
            if not self._settings.notify(notice.kind):
                continue
            log.info("notification: %s: %s", notice.title, notice.text)
            if self._tray.available:
                warning = notice.kind is not NoticeKind.COLLECTION_WORSE
                self._tray.show_message(notice.title, notice.text, warning=warning)
            else:
                self._window.statusBar().showMessage(
                    f"{notice.title}: {notice.text}", _STATUS_BAR_MS
                )
            self.posted.emit(notice)
