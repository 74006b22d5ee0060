"""The app and its coordinator, as a part of `DesktopApp`: the signed-in state (the views'
session, or the prompt to sign in), the Overview's figures read every 30 s, signing in and out,
and a sign-in the coordinator no longer accepts.

The work runs on the worker pool; what comes back is applied on the UI thread.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from .api import ServerFailed, ServerUnreachable, SignInRequired
from .api.overview import Overview, load_overview
from .api.session import ApiSession
from .app_parts import AppParts
from .settings import Account

__all__ = ["CoordinatorLink"]

log = logging.getLogger(__name__)


class CoordinatorLink(AppParts):
    """Mixed into `DesktopApp`, whose parts it uses; it goes on with the app's steps
    (`_open_first_run`, `_sign_in_solo_again`)."""

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
