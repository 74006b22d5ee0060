"""The first-run window: solo mode or a team coordinator, sign in, register, pick folders.

Each step runs on the worker pool (first_run_steps.py); the window only shows what is asked
and what came back. A failed step stays on its page with the reason, nothing lost. With
`sign_in_only` it is the sign-in prompt of an app already set up; with `switching`, the same
steps move an app already set up to solo mode or another coordinator (Settings): the new
sign-in is handed to the app, which keeps it, instead of being kept here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QWidget,
)

from shuttersense.desktop.agent.agent_config import Identity
from shuttersense.desktop.agent.context import AgentContext

from ..api import UserApiClient
from ..api.session import ApiSession
from ..first_run_steps import (
    SignedIn,
    SoloMode,
    authorize_folder,
    check_server,
    collections_again,
    keep_sign_in,
    register_machine,
    registration_token,
    revoke_sign_in,
    sign_in,
)
from ..replaced_registration import Ended, end_replaced, registration_in_use
from ..workers import Workers
from .first_run_pages import (
    FoldersPage,
    ModePage,
    RegisterPage,
    ServerPage,
    SignInPage,
    TextPage,
)
from .wizard import Wizard

__all__ = ["FirstRunDialog", "RegisteringAgain", "Switching"]

log = logging.getLogger(__name__)

_NEXT_TEXT = {"folders": "&Finish", "done": "&Open ShutterSense"}
T = TypeVar("T")


@dataclass(frozen=True)
class Switching:
    """An app already set up moving to solo mode or another coordinator: the mode it is in,
    its folders (offered again, to become collections there), and what must happen before this
    computer registers anew (on a worker: the agent stopped, so that it stops speaking for the
    old registration). Once registered anew, the old registration is ended on its coordinator
    (replaced_registration.py)."""

    solo_now: bool
    folders: Sequence[Path]
    before_register: Callable[[], None]


@dataclass(frozen=True)
class RegisteringAgain:
    """An app whose agent registration was lost (its key gone, or revoked) registering this
    computer again with the coordinator it is signed in to: the register step alone, its
    folders and kept results staying as they are."""

    signed: SignedIn  # the app's own sign-in: kept, not ended, whatever happens here
    name: str  # the computer's name so far
    where: str  # for the user: the coordinator's address, or "solo mode" (which shows none)


class FirstRunDialog(Wizard):
    completed = Signal(object)  # SignedIn

    def __init__(
        self,
        context: AgentContext,
        workers: Workers,
        *,
        solo: SoloMode | None = None,
        server_url: str = "",
        sign_in_only: bool = False,
        switching: Switching | None = None,
        again: RegisteringAgain | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(workers, _NEXT_TEXT, parent)
        self.setWindowTitle(
            "Sign in to ShutterSense"
            if sign_in_only
            else "Switch mode"
            if switching
            else "Register this computer again"
            if again
            else "Set up ShutterSense"
        )
        self._context = context
        self._solo = solo
        self._solo_chosen = False
        self._sign_in_only = sign_in_only
        self._switching = switching
        self._again = again
        self._registered = False
        self.old_registration = Ended()  # a switch: what became of the registration it replaced
        self._server = server_url
        self._signed: SignedIn | None = None
        self.mode_page = ModePage(solo is not None)
        self.server_page = ServerPage()
        self.sign_in_page = SignInPage()
        self.register_page = RegisterPage()
        self.folders_page = FoldersPage()
        self.done_page = TextPage("ShutterSense is ready")
        self._add_pages(
            {
                "mode": self.mode_page,
                "server": self.server_page,
                "sign_in": self.sign_in_page,
                "register": self.register_page,
                "folders": self.folders_page,
                "done": self.done_page,
            }
        )
        self.setMinimumSize(560, 420)
        self.server_page.url.setText(server_url)
        if switching is not None:
            self.mode_page.for_switch(switching.solo_now)
            for folder in switching.folders:
                self.folders_page.add(folder)
        first = "server" if sign_in_only else "mode"
        if again is not None:
            first, self._signed, self._server = "register", again.signed, again.signed.server_url
            self.register_page.for_user(again.signed.user.is_admin)
            self.register_page.name.setText(again.name or self.register_page.name.text())
            self.register_page.intro.setText(
                f"This computer's agent registration ({again.where}) no longer works. Register "
                "it again: its collections with their results, and the results it kept, stay."
            )
        self._go(first, remember=False)

    def steps(self) -> dict[str, Callable[[], None]]:
        return {
            "mode": self._mode_chosen,
            "server": self._check_server,
            "sign_in": self._sign_in,
            "register": self._register,
            "folders": self._authorize,
            "done": self._finish,
        }

    # -- the steps -------------------------------------------------------------------------------

    def _mode_chosen(self) -> None:
        solo = self._solo
        if solo is None or not self.mode_page.solo.isChecked():
            self._solo_chosen = False
            self._go("server")
            return
        context = self._context
        self._solo_chosen = True

        def set_up() -> tuple[SignedIn, Identity | None]:
            signed = self._registering(lambda: solo.set_up(context))
            self._keep(signed)
            return signed, context.config.identity

        self._step("Setting up ShutterSense on this computer…", set_up, self._signed_in)

    def _check_server(self) -> None:
        url = self.server_page.url.text()
        self._step("Checking the server…", lambda: check_server(url), self._server_checked)

    def _server_checked(self, server_url: str) -> None:
        self._server = server_url
        self.server_page.url.setText(server_url)
        self.sign_in_page.set_server(server_url)
        self._go("sign_in")

    def _sign_in(self) -> None:
        page = self.sign_in_page
        server, email, password = self._server, page.email.text(), page.password.text()
        context = self._context

        def work() -> tuple[SignedIn, Identity | None]:
            signed = sign_in(server, email, password)
            self._keep(signed)
            return signed, context.config.identity

        self._step("Signing in…", work, self._signed_in)

    def _signed_in(self, outcome: tuple[SignedIn, Identity | None]) -> None:
        signed, identity = outcome
        self._signed = signed
        self._server = signed.server_url
        self.sign_in_page.password.clear()
        if self._sign_in_only:
            self._finish()
        elif identity is not None and identity.server_url == signed.server_url:
            self._registered = True
            self.folders_page.intro.setText(
                f"This computer is registered already, as {identity.name}. "
                + self.folders_page.intro.text()
            )
            self._go("folders")
        else:
            self.register_page.for_user(signed.user.is_admin)
            self._go("register")

    def _register(self) -> None:
        page = self.register_page
        signed, name, pasted, context = (
            self._signed_in_as(),
            page.name.text(),
            page.pasted(),
            self._context,
        )

        def work() -> tuple[Identity, list[str]]:
            earlier = context.config.identity
            with UserApiClient(signed.server_url, signed.token) as client:
                token = registration_token(client, pasted)
                identity = self._registering(
                    lambda: register_machine(context, signed.server_url, token, name)
                )
                if self._again is None:
                    return identity, []
                was = earlier.agent_guid if earlier else None
                return identity, collections_again(context, client, was)

        self._step("Registering this computer…", work, self._registered_now)

    def _registered_now(self, outcome: tuple[Identity, list[str]]) -> None:
        self._registered = True
        if self._again is None:
            self._go("folders")
            return
        identity, problems = outcome
        self.done_page.say(
            f"This computer is registered again, as {identity.name}. Its collections moved to "
            "this registration with their results and trends, its other folders became "
            "collections too, the results it kept go there, and its agent starts again."
            + "".join(f"\nNot done: {problem}" for problem in problems)
        )
        self._go("done")
        self.next_button.setFocus()

    def _keep(self, signed: SignedIn) -> None:
        """The new sign-in into the key store (on a worker); a switch leaves that to the app,
        which still speaks to the old coordinator until the switch is done."""
        if self._switching is None:
            keep_sign_in(self._context, signed)

    def _registering(self, register: Callable[[], T]) -> T:
        """On a worker: `register` as a switch needs it: the agent stopped before, and the
        registration it replaces ended on its coordinator after (the new one first: a failed
        registration leaves the old one working)."""
        switching = self._switching
        if switching is None:
            return register()
        switching.before_register()
        old = registration_in_use(self._context, "solo mode" if switching.solo_now else None)
        made = register()
        self.old_registration = end_replaced(self._context, old)  # read once this step is done
        return made

    def _authorize(self) -> None:
        folders, context = self.folders_page.chosen(), self._context

        def work() -> list[dict[str, Any]]:
            return [authorize_folder(context, folder) for folder in folders]

        self._step("Authorizing the folders…", work, self._authorized)

    def _authorized(self, collections: list[dict[str, Any]]) -> None:
        names = ", ".join(collection["name"] for collection in collections)
        signed = self._signed_in_as()
        # Solo mode's address and user are the app's business: the user never sees them.
        where = (
            "ShutterSense runs on this computer alone (solo mode)."
            if self._solo_chosen
            else f"Signed in to {signed.server_url} as {signed.user.email}."
        )
        if self._switching is not None:
            where += " Results this computer kept for upload go there too."
            where += f" {self.old_registration.text}" if self.old_registration.text else ""
        self.done_page.say(
            f"{where} "
            + (
                f"Collections: {names}. Their results appear in the Overview once this "
                "computer's agent has analysed them."
                if names
                else "No folder yet: add one later."
            )
        )
        self._go("done")
        self.next_button.setFocus()

    def _signed_in_as(self) -> SignedIn:
        if self._signed is None:
            raise RuntimeError("this step comes after signing in")
        return self._signed

    def _finish(self) -> None:
        self.completed.emit(self._signed_in_as())
        self.accept()

    def reject(self) -> None:
        """Cancel (also Escape, or closing the window). Not while a step runs: it would land
        on a window that is gone. On the last page the set-up is done: it finishes. Cancelled
        after signing in, the app's token is revoked and forgotten, not left valid behind a
        set-up that did not happen (the registration, if any, stays). A switch whose
        registration is made is done: cancelling it finishes it (without more folders)."""
        if self.busy.text():
            return
        if self._again is not None and self.current_page() != "done":
            super().reject()  # the sign-in is the app's: it stays
            return
        if self.current_page() == "done" or (self._switching is not None and self._registered):
            self._finish()
            return
        signed, context = self._signed, self._context
        if signed is not None and self._switching is not None:
            self._signed = None  # the key store still holds the old sign-in: leave it
            self._workers.run(
                lambda: revoke_sign_in(signed),
                lambda told: log.info("switch cancelled after signing in: %s", told),
            )
        elif signed is not None:
            self._signed = None
            session = ApiSession(signed.server_url, lambda: context.keys)
            self._workers.run(
                lambda: session.sign_out(signed.token_guid, signed.user.email),
                lambda told: log.info("set-up cancelled after signing in: %s", told),
            )
        super().reject()
