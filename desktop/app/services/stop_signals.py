"""SIGTERM and SIGINT (a session ending, Ctrl-C in a terminal) quit the app cleanly, like the
tray's Quit: the agent hands its job back and the single-instance lock and socket go away.

Python runs signal handlers only between its own instructions, and the Qt event loop may sit
in C for long; so the signal's number is written to a socket that the event loop watches.
"""

from __future__ import annotations

import logging
import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier

__all__ = ["quit_on_stop_signals"]

log = logging.getLogger(__name__)

_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class _Watch(QObject):
    def __init__(self, quit_app: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)
        self._quit = quit_app
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._woken)
        signal.set_wakeup_fd(self._writer.fileno())
        for number in _SIGNALS:
            signal.signal(number, lambda *_: None)  # the wake-up byte does the work

    def _woken(self) -> None:
        received = self._reader.recv(64)
        names = ", ".join(signal.Signals(number).name for number in received)
        log.info("%s received: quitting", names)
        self._quit()


def quit_on_stop_signals(quit_app: Callable[[], None], parent: QObject) -> QObject:
    """Call `quit_app` on the UI thread when SIGTERM or SIGINT arrives; lives as `parent`."""
    return _Watch(quit_app, parent)
