"""The app put together: the main window and its views, the tray, notifications, the first-run
window, and the timers that keep the Overview and the agent's state current.

Everything slow (the coordinator, the key store, files) runs on the worker pool; what comes
back is applied here, on the UI thread.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QSystemTrayIcon

from shuttersense.desktop.agent.context import AgentContext

from .agent_steering import AgentSteering
from .api.session import ApiSession
from .coordinator_link import CoordinatorLink
from .dialogs.first_run import FirstRunDialog, RegisteringAgain, Switching
from .first_run_steps import SignedIn
from .mode_switch import ModeSwitching
from .quitting import Quitting
from .services.agent_control import AgentControl
from .services.autostart import Autostart
from .services.news import NewsTracker
from .services.notifications import Notifier
from .services.solo import Solo
from .settings import Account, AppSettings
from .solo_start import SoloStart
from .tray import Tray
from .views.main_window import MainWindow
from .views.overview import OverviewView
from .views.settings_view import SettingsView
from .views.team_views import TeamViews
from .widgets.log_viewer import LogViewer
from .workers import Workers

__all__ = ["NO_TRAY", "DesktopApp"]

log = logging.getLogger(__name__)

NO_TRAY = (
    "This desktop has no system tray, so the ShutterSense window is its entry point: closing "
    "it quits ShutterSense."
)
_STILL_RUNNING = "ShutterSense keeps running in the tray. Quit it from the tray's menu."
REFRESH_MS = 30_000
AGENT_POLL_MS = 2_000


class DesktopApp(QObject, CoordinatorLink, ModeSwitching, SoloStart, AgentSteering, Quitting):
    finished = Signal()  # quit: the entry point ends the event loop
    ready = Signal()  # signed in (solo mode: its coordinator up) and the agent connected

    def __init__(
        self,
        *,
        context: AgentContext,
        settings: AppSettings,
        control: AgentControl,
        autostart: Autostart,
        log_file: Path,
        tray_available: bool | None = None,
        solo: Solo | None = None,
        news: NewsTracker | None = None,
        refresh_ms: int = REFRESH_MS,
        agent_poll_ms: int = AGENT_POLL_MS,
    ) -> None:
        super().__init__()
        self.context = context
        self.settings = settings
        self.control = control
        self.autostart = autostart
        self.solo = solo
        self.news = news or NewsTracker()
        if tray_available is None:
            tray_available = QSystemTrayIcon.isSystemTrayAvailable()
        self.workers = Workers(self)
        self.tray = Tray(
            available=tray_available, can_pause=control.can_pause, can_run_all=control.can_run_all
        )
        self.overview = OverviewView()
        self.log_viewer = LogViewer(log_file, self.workers)
        self.settings_view = SettingsView(settings, self.log_viewer, autostart, self.workers)
        self.team_views = TeamViews(self.workers, context, settings)
        views = {"overview": self.overview, "settings": self.settings_view}
        self.window = MainWindow(settings, {**views, **self.team_views.by_name()})
        self.window.keep_in_tray = tray_available
        self.notifier = Notifier(settings, self.tray, self.window)
        self.session: ApiSession | None = None
        self.first_run: FirstRunDialog | None = None
        self._told_tray = False
        self._told_lost = False
        self.exit_code = 0
        self._quit_when_ready = False
        self._is_ready = False
        # Start and stop run on the worker pool, in either order: a start that comes after the
        # app began quitting must not leave the agent running once the app is gone.
        self._agent_calls = threading.Lock()
        self._quitting = False
        self._refreshing = False
        self._polling = False
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(refresh_ms)
        self._refresh_timer.timeout.connect(self.refresh)
        self._agent_timer = QTimer(self)
        self._agent_timer.setInterval(agent_poll_ms)
        self._agent_timer.timeout.connect(self.poll_agent)
        self._connect()

    def _connect(self) -> None:
        tray = self.tray
        tray.open_requested.connect(self.bring_to_front)
        tray.logs_requested.connect(self.open_logs)
        tray.quit_requested.connect(self.quit)
        tray.pause_requested.connect(lambda: self._agent_action(self.control.pause))
        tray.resume_requested.connect(lambda: self._agent_action(self.control.resume))
        tray.run_all_requested.connect(lambda: self._agent_action(self.control.run_all_now))
        self.window.quit_requested.connect(self.quit)
        self.window.hidden_to_tray.connect(self._hidden_to_tray)
        self.overview.refresh_requested.connect(self.refresh)
        self.overview.register_again_requested.connect(self.register_again)
        self.team_views.sign_in_needed.connect(self._signed_out_by_server)
        view = self.settings_view
        view.sign_out_requested.connect(self.sign_out)
        view.sign_in_requested.connect(self.sign_in)
        view.switch_requested.connect(self.switch_mode)

    # -- starting --------------------------------------------------------------------------------

    def start(self, *, minimized: bool = False, quit_when_ready: bool = False) -> None:
        """Show the first-run window, or the main window (the tray only, when `minimized` and
        there is a tray). `quit_when_ready` (tests, CI): no window; set up solo mode if nothing
        is set up yet, and quit once `ready` (exit status 1 with the reason if that fails)."""
        log.info("ShutterSense started")
        self._quit_when_ready = quit_when_ready
        if not self.tray.available and not quit_when_ready:
            log.warning("no system tray on this desktop: the window is the entry point")
            self.window.notice.say(NO_TRAY)
        self._agent_timer.start()
        self.poll_agent()
        self.settings_view.read_autostart()
        account = self.settings.account()
        if account is None and not self.settings.server_url():
            if quit_when_ready:
                self._set_up_solo_unattended()
            else:
                self._open_first_run()
            return
        if self.settings.solo() and self.solo is not None:
            self._start_solo()
        else:
            self._signed_in_state(account)
            self._start_agent()
        if not quit_when_ready and (not minimized or not self.tray.available):
            self.window.show()

    def _open_first_run(
        self,
        *,
        sign_in_only: bool = False,
        switching: Switching | None = None,
        again: RegisteringAgain | None = None,
    ) -> None:
        dialog = FirstRunDialog(
            self.context,
            self.workers,
            solo=self.solo,
            server_url="" if switching else self.settings.server_url(),
            sign_in_only=sign_in_only,
            switching=switching,
            again=again,
            parent=self.window if sign_in_only or switching or again else None,
        )
        if switching is not None:
            dialog.completed.connect(self._switched)
            dialog.rejected.connect(self._switch_cancelled)
        elif again is not None:
            dialog.completed.connect(self._registered_again)
            dialog.rejected.connect(self._register_again_cancelled)
        else:
            dialog.completed.connect(self._set_up)
        if not sign_in_only and switching is None and again is None:
            dialog.rejected.connect(self._first_run_cancelled)
        self.first_run = dialog
        dialog.show()

    def _first_run_cancelled(self) -> None:
        log.info("set-up cancelled before it was done: quitting")
        self.quit()

    def _set_up(self, signed: SignedIn) -> None:
        account = Account(signed.server_url, signed.user.email, signed.user.role, signed.token_guid)
        self.settings.set_account(account)
        self.settings.set_solo(self.solo is not None and self.solo.url == signed.server_url)
        self.settings.sync()
        self.first_run = None
        self._signed_in_state(account)
        self._start_agent()
        if not self._quit_when_ready:
            self.window.bring_to_front()

    # -- the window and the tray -----------------------------------------------------------------

    def bring_to_front(self) -> None:
        if self.first_run is not None and not self.first_run.isHidden():
            self.first_run.raise_()
            self.first_run.activateWindow()
            return
        self.window.bring_to_front()

    def open_logs(self) -> None:
        self.window.show_view("settings")
        self.window.bring_to_front()
        self.log_viewer.search.setFocus()

    def _hidden_to_tray(self) -> None:
        if not self._told_tray:
            self._told_tray = True
            self.tray.show_message("ShutterSense", _STILL_RUNNING)
