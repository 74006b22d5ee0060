"""Quitting, as a part of `DesktopApp`: the agent stopped cleanly (a running job is handed
back to the coordinator), then solo mode's coordinator, then the event loop ends."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QTimer, SignalInstance

from .services.agent_control import AgentControl
from .services.solo import Solo
from .settings import AppSettings
from .tray import Tray
from .views.main_window import MainWindow
from .views.team_views import TeamViews
from .workers import Workers

__all__ = ["Quitting"]

log = logging.getLogger(__name__)


class Quitting:
    """Mixed into `DesktopApp`: these are its parts."""

    settings: AppSettings
    control: AgentControl
    solo: Solo | None
    workers: Workers
    window: MainWindow
    team_views: TeamViews
    tray: Tray
    finished: SignalInstance
    _refresh_timer: QTimer
    _agent_timer: QTimer
    _agent_calls: threading.Lock
    _quitting: bool

    def quit(self) -> None:
        """Stop the agent cleanly (a running job is handed back), then leave."""
        self._refresh_timer.stop()
        self._agent_timer.stop()
        self.team_views.stop()
        if self.window.isVisible():
            self.window.save_state()
        self.settings.sync()
        control, solo = self.control, self.solo
        self._quitting = True

        def stop() -> None:
            try:
                with self._agent_calls:
                    control.stop()  # first: it hands its job back to the coordinator
            finally:
                if solo is not None:
                    solo.stop()

        self.workers.run(stop, self._stopped, self._stopped)

    def _stopped(self, _: object = None) -> None:
        log.info("ShutterSense quits")
        self.tray.remove()
        self.workers.shut_down()
        self.finished.emit()
