"""What the views on the coordinator's user API share: the signed-in session they speak through,
calls made on the worker pool with their answers applied on the UI thread, a notice for what
went wrong, and one signal for a sign-in the coordinator no longer accepts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMainWindow, QWidget

from ..api import SignInRequired, UserApiClient
from ..api.session import ApiSession
from ..settings import Account
from ..widgets.panels import NoticeBar
from ..workers import Workers

__all__ = ["ApiView"]

T = TypeVar("T")


class ApiView(QWidget):
    sign_in_needed = Signal(object)  # the SignInRequired the coordinator answered

    def __init__(self, workers: Workers) -> None:
        super().__init__()
        self.workers = workers
        self.session: ApiSession | None = None
        self.account: Account | None = None
        self.notice = NoticeBar()
        self._busy = 0

    def set_session(self, session: ApiSession | None, account: Account | None) -> None:
        """Speak through `session` from now on (None: signed out) and load again."""
        self.session, self.account = session, account
        if session is not None:
            self.refresh()
        else:
            self.notice.say("You are signed out: sign in (Settings) to see this again.")

    def refresh(self) -> None:
        """Load what the view shows; each view says what."""

    def call(
        self,
        work: Callable[[UserApiClient], T],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None] | None = None,
    ) -> bool:
        """`work(client)` on the worker pool, `on_done(value)` back here; a failure goes to
        `on_error` if given, else to the notice. False when signed out (nothing was asked)."""
        session = self.session
        if session is None:
            self.notice.say("You are signed out: sign in (Settings) first.")
            return False

        def run() -> T:
            with session.client() as client:
                return work(client)

        self._busy += 1

        def done(value: Any) -> None:
            self._busy -= 1
            on_done(value)

        def failed(error: Exception) -> None:
            self._busy -= 1
            if isinstance(error, SignInRequired):
                self.sign_in_needed.emit(error)
            elif on_error is not None:
                on_error(error)
            else:
                self.show_problem(str(error))

        self.workers.run(run, done, failed, owner=self)
        return True

    def busy(self) -> bool:
        """Whether an answer is still on its way (tests wait for it)."""
        return self._busy > 0

    def tell(self, text: str) -> None:
        """A passing word in the window's status bar (what was done)."""
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text)

    def show_problem(self, text: str) -> None:
        self.notice.say(text, "&Retry", self.refresh)

    def is_admin(self) -> bool:
        return self.account is not None and self.account.role == "admin"
