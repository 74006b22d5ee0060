"""Quitting, as a part of `DesktopApp`: the agent stopped cleanly (a running job is handed
back to the coordinator), then solo mode's coordinator, then the event loop ends."""

from __future__ import annotations

import logging

from .app_parts import AppParts

__all__ = ["Quitting"]

log = logging.getLogger(__name__)


class Quitting(AppParts):
    """Mixed into `DesktopApp`, whose parts it uses."""

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
