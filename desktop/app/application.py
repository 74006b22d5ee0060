"""The app put together: the main window and its views, the tray, notifications, the first-run
window, and the timers that keep the Overview and the agent's state current.

Everything slow (the coordinator, the key store, files) runs on the worker pool; what comes
back is applied here, on the UI thread.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QSystemTrayIcon

from shuttersense.desktop.agent.context import AgentContext

from .api import ServerFailed, ServerUnreachable, SignInRequired
from .api.overview import Overview, load_overview
from .api.session import ApiSession
from .dialogs.first_run import FirstRunDialog, Switching
from .first_run_steps import SignedIn, keep_sign_in
from .mode_switch import ModeSwitching
from .services.agent_control import AgentControl, AgentState, AgentStatus, describe
from .services.autostart import Autostart
from .services.news import NewsTracker
from .services.notifications import Notifier
from .services.solo import Solo
from .settings import Account, AppSettings
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


class DesktopApp(QObject, ModeSwitching):
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

    def _start_solo(self) -> None:
        """Solo mode's coordinator first (seconds, on the worker pool), then the rest."""
        solo, context = self.solo, self.context
        if solo is None:
            return
        self.overview.show_problem("Starting ShutterSense on this computer…")
        self.workers.run(lambda: solo.start(context), self._solo_started, self._solo_failed)

    def _solo_started(self, url: str) -> None:
        account = self.settings.account()
        if account is not None and account.server_url != url:
            account = replace(account, server_url=url)
            self.settings.set_account(account)
        self._signed_in_state(account)
        self._start_agent()

    def _solo_failed(self, error: Exception) -> None:
        log.error("solo mode's coordinator did not start: %s", error)
        if self._quit_when_ready:
            self._give_up(f"solo mode's coordinator did not start: {error}")
            return
        self.overview.show_problem(
            f"ShutterSense's own coordinator did not start: {error}. Nothing was lost; fix "
            "what the reason says (or look at the log in Settings), then try again.",
            "&Retry",
            self._start_solo,
        )

    def _set_up_solo_unattended(self) -> None:
        solo, context = self.solo, self.context
        if solo is None:
            self._give_up("nothing is set up and solo mode is not available")
            return

        def set_up() -> SignedIn:
            signed = solo.set_up(context)
            keep_sign_in(context, signed)
            return signed

        self.workers.run(set_up, self._set_up, self._solo_failed)

    def _give_up(self, reason: str) -> None:
        print(f"shuttersense-desktop: error: {reason}", file=sys.stderr, flush=True)
        self.exit_code = 1
        self.quit()

    def _start_agent(self) -> None:
        control = self.control

        def start() -> None:
            with self._agent_calls:
                if not self._quitting:
                    control.start()

        self.workers.run(
            start,
            lambda _: self.poll_agent(),
            lambda error: self._agent_failed(error),
        )

    def _open_first_run(
        self, *, sign_in_only: bool = False, switching: Switching | None = None
    ) -> None:
        dialog = FirstRunDialog(
            self.context,
            self.workers,
            solo=self.solo,
            server_url="" if switching else self.settings.server_url(),
            sign_in_only=sign_in_only,
            switching=switching,
            parent=self.window if sign_in_only or switching else None,
        )
        if switching is not None:
            dialog.completed.connect(self._switched)
            dialog.rejected.connect(self._switch_cancelled)
        else:
            dialog.completed.connect(self._set_up)
        if not sign_in_only and switching is None:
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

    def _signed_in_state(self, account: Account | None) -> None:
        server = account.server_url if account else self.settings.server_url()
        self.settings_view.show_account(account, server, solo=self.settings.solo())
        self._show_identity()
        if account is None:
            self.session = None
            self.team_views.set_session(None, None)
            self._refresh_timer.stop()
            self.overview.show_problem(
                f"You are signed out of {server}.", "Sign &in…", self.sign_in
            )
            return
        self.session = ApiSession(account.server_url, lambda: self.context.keys)
        self.team_views.set_session(self.session, account)
        self._refresh_timer.start()
        self.refresh()

    def _show_identity(self) -> None:
        def read() -> str:
            identity = self.context.config.identity
            if identity is None:
                return "not registered as an agent"
            return f"{identity.name} ({identity.agent_guid})"

        self.workers.run(read, self.settings_view.show_agent, self._agent_unknown)

    def _agent_unknown(self, error: Exception) -> None:
        self.settings_view.show_agent(f"unknown: {error}")

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

    # -- the coordinator -------------------------------------------------------------------------

    def refresh(self) -> None:
        session = self.session
        if session is None or self._refreshing:
            return
        self._refreshing = True

        def work() -> Overview:
            with session.client() as client:
                return load_overview(client)

        self.workers.run(work, self._overview_loaded, self._overview_failed)

    def _overview_loaded(self, overview: Overview) -> None:
        self._refreshing = False
        self.overview.show_overview(overview, datetime.now(UTC))
        self.window.statusBar().showMessage(f"Connected to {self.session_server()}")
        self.notifier.post(self.news.overview(overview))

    def _overview_failed(self, error: Exception) -> None:
        self._refreshing = False
        if isinstance(error, SignInRequired):
            self._signed_out_by_server(error)
            return
        self.overview.show_problem(
            f"{error}. The figures below are the last ones loaded; ShutterSense tries again "
            "every 30 seconds.",
            "&Retry",
            self.refresh,
        )
        if isinstance(error, ServerUnreachable | ServerFailed):
            self.notifier.post(self.news.unreachable(self.session_server(), str(error)))

    def _signed_out_by_server(self, error: Exception) -> None:
        if self.session is None:
            return  # told already (several views may hear it at once)
        log.warning("the coordinator no longer accepts the app's token: %s", error)
        if self.settings.solo() and self.solo is not None:
            self._sign_in_solo_again(self.solo)  # the user has no password to type
            return
        self.settings.signed_out()
        self._signed_in_state(None)
        self.overview.show_problem(
            f"Your sign-in to {self.settings.server_url()} expired or was revoked: sign in "
            "again. Nothing on this computer was lost.",
            "Sign &in…",
            self.sign_in,
        )

    def session_server(self) -> str:
        return self.session.server_url if self.session else self.settings.server_url()

    def sign_in(self) -> None:
        self._open_first_run(sign_in_only=True)

    def sign_out(self) -> None:
        account, session = self.settings.account(), self.session
        if account is None or session is None:
            return
        self.settings.signed_out()
        self._signed_in_state(None)
        self.workers.run(
            lambda: session.sign_out(account.token_guid, account.email),
            lambda told: self.window.statusBar().showMessage(f"Signed out: {told}"),
            lambda error: self.window.statusBar().showMessage(f"Signing out failed: {error}"),
        )

    # -- the agent -------------------------------------------------------------------------------

    def poll_agent(self) -> None:
        if self._polling:
            return
        self._polling = True
        self.workers.run(  # the Overview shows it: nothing to do once it is gone
            self.control.status, self._agent_status, self._agent_failed, owner=self.overview
        )

    def _agent_status(self, status: AgentStatus) -> None:
        self._polling = False
        if status != self.tray.status:
            log.debug("agent: %s", describe(status))
        self.tray.set_status(status)
        self.overview.show_agent(status)
        if status.state is AgentState.IDLE and self.session is not None and not self._is_ready:
            self._is_ready = True
            log.info("ShutterSense is ready: %s", self.session.server_url)
            self.ready.emit()
            if self._quit_when_ready:
                print(f"ShutterSense is ready ({self.session.server_url})", flush=True)
                self.quit()

    def _agent_failed(self, error: Exception) -> None:
        self._polling = False
        self._agent_status(AgentStatus(AgentState.ERROR, reason=str(error)))

    def _agent_action(self, action: Callable[[], Any]) -> None:
        self.workers.run(
            action,
            lambda _: self.poll_agent(),
            lambda error: self.window.statusBar().showMessage(str(error)),
        )

    # -- quitting --------------------------------------------------------------------------------

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
