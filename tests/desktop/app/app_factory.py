"""The app as the entry point puts it together, with the test's folders, a fake agent runtime
and no tray host (offscreen) unless asked; each app made is quit when the test ends, before
its window is deleted. `signed_in_view` opens a view of it signed in to the demo studio."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.app.application import DesktopApp
from shuttersense.desktop.app.dialogs.first_run import FirstRunDialog
from shuttersense.desktop.app.services.autostart import XdgAutostart
from shuttersense.desktop.app.settings import AppSettings
from tests.desktop.app.fakes import FakeAgentControl
from tests.desktop.app.studio import Studio

__all__ = [
    "MakeApp",
    "SignedInView",
    "make_app",
    "next_and_wait",
    "open_view",
    "signed_in_view",
]

MakeApp = Callable[..., DesktopApp]
View = TypeVar("View", bound=QWidget)
WAIT = 30_000


@pytest.fixture
def make_app(qtbot: QtBot, context: AgentContext, app_settings: AppSettings) -> Iterator[MakeApp]:
    ended: set[int] = set()

    def make(
        *,
        control: FakeAgentControl | None = None,
        tray: bool | None = False,  # None: as the desktop says (offscreen: no tray host)
        log_file: Path | None = None,
        **options: Any,
    ) -> DesktopApp:
        base = context.dirs.config.parent
        app = DesktopApp(
            context=context,
            settings=app_settings,
            control=control or FakeAgentControl(),
            autostart=XdgAutostart(base / "xdg-config", ["shuttersense-desktop", "--minimized"]),
            log_file=log_file or context.dirs.logs / "agent.log",
            tray_available=tray,
            **options,
        )
        app.finished.connect(lambda: ended.add(id(app)))
        # pytest-qt deletes the window before fixtures end: quit first, as a user's quit does,
        # or work still under way lands in deleted widgets.
        qtbot.addWidget(app.window, before_close_func=lambda _: quit_app(app))
        return app

    def quit_app(app: DesktopApp) -> None:
        if id(app) not in ended:
            with qtbot.waitSignal(app.finished, timeout=10_000):
                app.quit()

    yield make


def open_view(
    qtbot: QtBot,
    make_app: MakeApp,
    name: str,
    kind: type[View],
    ready: Callable[[View], bool],
    **options: Any,
) -> tuple[DesktopApp, View]:
    """An app started on the main window's view `name` (a `kind`), once `ready` says the view
    shows what the test needs from the coordinator."""
    app = make_app(**options)
    app.start()
    app.window.show_view(name)
    view = app.window.views[name]
    assert isinstance(view, kind)
    qtbot.waitUntil(lambda: ready(view), timeout=WAIT)
    return app, view


class SignedInView(Protocol):
    def __call__(
        self, name: str, kind: type[View], ready: Callable[[View], bool], **options: Any
    ) -> tuple[DesktopApp, View]: ...


@pytest.fixture
def signed_in_view(
    qtbot: QtBot, make_app: MakeApp, studio: Studio, app_settings: AppSettings
) -> SignedInView:
    """`open_view` of an app signed in as the studio's admin (what the first-run window keeps);
    whatever the test does to the studio before calling it is there to be seen."""

    def open_signed_in(
        name: str, kind: type[View], ready: Callable[[View], bool], **options: Any
    ) -> tuple[DesktopApp, View]:
        studio.sign_in_app(app_settings)
        return open_view(qtbot, make_app, name, kind, ready, **options)

    return open_signed_in


def next_and_wait(qtbot: QtBot, window: FirstRunDialog, wait: int = WAIT) -> None:
    """Press Next in the first-run window and wait until the step is over (the button works
    again)."""
    qtbot.mouseClick(window.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.next_button.isEnabled(), timeout=wait)
