"""How the app changes where it belongs, as a part of `DesktopApp`: Settings' switch between
solo mode and a team coordinator (the first-run steps again, see `Switching`), and solo mode's
own sign-in made anew when the key store lost it (no password for the user to type).

The work runs on the worker pool; what comes back is applied on the UI thread.
"""

from __future__ import annotations

import logging
from pathlib import Path

from .app_parts import AppParts
from .dialogs.first_run import Switching
from .first_run_steps import SignedIn, keep_sign_in
from .replaced_registration import Ended
from .services.solo import Solo, SoloSignIn
from .settings import Account

__all__ = ["ModeSwitching"]

log = logging.getLogger(__name__)


class ModeSwitching(AppParts):
    """Mixed into `DesktopApp`, whose parts it uses; it goes on with the app's steps
    (`_open_first_run`, `_set_up`, `_signed_in_state`, `_start_agent`, `_solo_failed`)."""

    def switch_mode(self) -> None:
        """The first-run steps again, to solo mode or another coordinator (see `Switching`)."""
        if self.first_run is not None:
            self.bring_to_front()
            return
        context, control = self.context, self.control
        solo_now = self.settings.solo()

        def folders() -> list[Path]:
            return [Path(root) for root in context.config.roots]

        def opened(roots: list[Path]) -> None:
            switching = Switching(solo_now, roots, control.stop)
            self._open_first_run(switching=switching)

        self.workers.run(folders, opened, self._switch_failed)

    def _switched(self, signed: SignedIn) -> None:
        """The new registration is made: end the old sign-in (its coordinator revokes the
        app's token), keep the new one, leave solo mode's coordinator when it is no longer
        used, then go on as after a first run: the agent starts with its new identity and sends
        what it kept."""
        old, session, solo, context = self.settings.account(), self.session, self.solo, self.context
        replaced = self.first_run.old_registration if self.first_run is not None else Ended()
        leaving_solo = self.settings.solo() and solo is not None and solo.url != signed.server_url
        self.session = None
        self.team_views.set_session(None, None)

        def work() -> str:
            told = "no earlier sign-in"
            if old is not None and session is not None:
                told = session.sign_out(old.token_guid, old.email)
            keep_sign_in(context, signed)
            if leaving_solo and solo is not None:
                solo.stop()
            return told

        def done(told: str) -> None:
            log.info("switched to %s (the earlier sign-in: %s)", signed.server_url, told)
            self._set_up(signed)
            self.window.statusBar().showMessage(
                f"Switched: {'solo mode' if self.settings.solo() else signed.server_url}. "
                f"The earlier sign-in: {told}. {replaced.text}".rstrip()
            )
            if replaced.remains:  # the admin there has something to do: keep it in sight
                self.window.notice.say(replaced.text)

        self.workers.run(work, done, self._switch_failed)

    def _switch_cancelled(self) -> None:
        self.first_run = None
        self._start_agent()  # stopped if the registration was tried; a no-op otherwise

    def _switch_failed(self, error: Exception) -> None:
        self.first_run = None
        log.error("switching mode failed: %s", error)
        self.window.statusBar().showMessage(
            f"Switching mode failed: {error}. Nothing was lost; try again from Settings."
        )
        self._signed_in_state(self.settings.account())  # as kept: signed in, or asked to
        self._start_agent()

    def _sign_in_solo_again(self, solo: Solo) -> None:
        """Solo mode's sign-in made anew, its password reset when the key store lost it."""
        self.session = None
        self.team_views.set_session(None, None)
        self._refresh_timer.stop()
        self.overview.show_problem("Signing in to ShutterSense on this computer again…")
        context = self.context

        def work() -> SoloSignIn:
            again = solo.sign_in_again(context)
            keep_sign_in(context, again.signed)
            return again

        self.workers.run(work, self._solo_signed_in_again, self._solo_failed)

    def _solo_signed_in_again(self, again: SoloSignIn) -> None:
        signed = again.signed
        account = Account(signed.server_url, signed.user.email, signed.user.role, signed.token_guid)
        self.settings.set_account(account)
        self._signed_in_state(account)
        if again.said:
            log.warning("%s", again.said)
            self.window.notice.say(again.said)
            if self.tray.available:
                self.tray.show_message("ShutterSense", again.said)
