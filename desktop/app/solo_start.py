"""Starting in solo mode, as a part of `DesktopApp`: solo mode's own coordinator first (on the
worker pool), then the sign-in and the agent; and, for `--quit-after-ready`, solo mode set up
with nothing asked.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import replace

from .app_parts import AppParts
from .first_run_steps import SignedIn, keep_sign_in

__all__ = ["SoloStart"]

log = logging.getLogger(__name__)


class SoloStart(AppParts):
    """Mixed into `DesktopApp`, whose parts it uses; it goes on with the app's steps
    (`_set_up`, `_signed_in_state`, `_start_agent`, `quit`)."""

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
