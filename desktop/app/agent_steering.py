"""This computer's agent, as a part of `DesktopApp`: starting it, polling its state into the
tray and the Overview, the tray's actions on it, and registering this computer again when its
registration was lost (the agent key gone from the key store, or revoked by the coordinator).

The work runs on the worker pool; what comes back is applied on the UI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from .api import SignInRequired
from .app_parts import AppParts
from .dialogs.first_run import RegisteringAgain
from .first_run_steps import SignedIn
from .services.agent_control import AgentState, AgentStatus, describe

__all__ = ["AgentSteering"]

log = logging.getLogger(__name__)


class AgentSteering(AppParts):
    """Mixed into `DesktopApp`, whose parts it uses; it goes on with the app's steps
    (`_open_first_run`, `_signed_in_state`, `_signed_out_by_server`, `sign_in`, `quit`)."""

    def _start_agent(self) -> None:
        control = self.control

        def start() -> None:
            with self._agent_calls:
                if not self._quitting:
                    control.start()

        self.workers.run(start, lambda _: self.poll_agent(), self._agent_failed)

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
        self._tell_lost(status)
        if status.state is AgentState.IDLE and self.session is not None and not self._is_ready:
            self._is_ready = True
            log.info("ShutterSense is ready: %s", self.session.server_url)
            self.ready.emit()
            if self._quit_when_ready:
                print(f"ShutterSense is ready ({self.session.server_url})", flush=True)
                self.quit()

    def _tell_lost(self, status: AgentStatus) -> None:
        """A lost registration is told once (the tray's message), and again if lost again."""
        if not status.registration_lost:
            self._told_lost = False
            return
        if self._told_lost:
            return
        self._told_lost = True
        log.error("the agent's registration is lost: %s", status.reason)
        if self.tray.available:
            self.tray.show_message("ShutterSense", str(status.reason))

    def _agent_failed(self, error: Exception) -> None:
        self._polling = False
        self._agent_status(AgentStatus(AgentState.ERROR, reason=str(error)))

    def _agent_action(self, action: Callable[[], Any]) -> None:
        self.workers.run(
            action,
            lambda _: self.poll_agent(),
            lambda error: self.window.statusBar().showMessage(str(error)),
        )

    # -- registering again -----------------------------------------------------------------------

    def register_again(self) -> None:
        """The register step alone, with the coordinator signed in to (see `RegisteringAgain`)."""
        if self.first_run is not None:
            self.bring_to_front()
            return
        session, account, context = self.session, self.settings.account(), self.context
        where = "solo mode" if self.settings.solo() else session.server_url if session else ""
        if session is None or account is None:
            self.window.statusBar().showMessage(
                "Sign in first, then choose Register this computer again… in the Overview."
            )
            self.sign_in()
            return

        def read() -> RegisteringAgain:
            with session.client() as client:
                user = client.me()
            signed = SignedIn(session.server_url, user, session.token(), account.token_guid)
            identity = context.config.identity
            return RegisteringAgain(signed, identity.name if identity else "", where)

        self.workers.run(read, self._open_register_again, self._register_again_failed)

    def _open_register_again(self, again: RegisteringAgain) -> None:
        self._open_first_run(again=again)

    def _register_again_failed(self, error: Exception) -> None:
        if isinstance(error, SignInRequired):
            self._signed_out_by_server(error)
            return
        self.window.statusBar().showMessage(
            f"Registering this computer again could not start: {error}. Try again."
        )

    def _registered_again(self, _signed: SignedIn) -> None:
        self.first_run = None
        log.info("this computer is registered again")
        self._signed_in_state(self.settings.account())  # the collections of the new agent
        self._start_agent()
        self.window.statusBar().showMessage("This computer is registered again.")

    def _register_again_cancelled(self) -> None:
        self.first_run = None
