"""The first-run window as Settings' switch uses it, against a real coordinator (both
databases): the old sign-in stays in the key store until the switch is done; a switch
cancelled after signing in revokes the new token and leaves the old one; once this computer is
registered anew, cancelling finishes the switch."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.app.api.session import USER_TOKEN
from shuttersense.desktop.app.dialogs.first_run import FirstRunDialog, Switching
from shuttersense.desktop.app.first_run_steps import SignedIn
from shuttersense.desktop.app.workers import Workers
from tests.desktop.app.app_factory import next_and_wait
from tests.desktop.app.team_server import ADMIN, ADMIN_PASSWORD, TeamServer

WAIT = 30_000
OLD_TOKEN = "ssu_the-old-coordinator-s-token"


def app_tokens(server: TeamServer) -> list[dict[str, object]]:
    """The admin's tokens the app made for itself."""
    with server.admin_api() as admin:
        tokens = admin.get("/api/auth/tokens").json()
    return [token for token in tokens if str(token["name"]).startswith("ShutterSense desktop")]


def switching(
    qtbot: QtBot, context: AgentContext, server: TeamServer, folders: list[Path], stops: list[int]
) -> FirstRunDialog:
    """The switch's window past its mode, address and sign-in pages."""
    window = FirstRunDialog(
        context, Workers(), switching=Switching(False, folders, lambda: stops.append(1))
    )
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle() == "Switch mode" and window.mode_page.team.isChecked()
    next_and_wait(qtbot, window)
    window.server_page.url.setText(server.base)
    next_and_wait(qtbot, window)
    window.sign_in_page.email.setText(ADMIN)
    window.sign_in_page.password.setText(ADMIN_PASSWORD)
    next_and_wait(qtbot, window)
    assert window.current_page() == "register"
    return window


def test_cancelled_after_signing_in_revokes_the_new_token_and_keeps_the_old(
    qtbot: QtBot, context: AgentContext, team_server: TeamServer
) -> None:
    context.keys.set(USER_TOKEN, OLD_TOKEN)
    stops: list[int] = []
    window = switching(qtbot, context, team_server, [], stops)
    assert context.keys.get(USER_TOKEN) == OLD_TOKEN  # the app still speaks to the old one
    assert [token["revoked_at"] for token in app_tokens(team_server)] == [None]
    window.cancel_button.click()
    qtbot.waitUntil(
        lambda: all(token["revoked_at"] for token in app_tokens(team_server)), timeout=WAIT
    )
    assert context.keys.get(USER_TOKEN) == OLD_TOKEN
    assert stops == [] and context.config.identity is None  # nothing registered, agent left on


def test_once_registered_the_switch_is_done_and_cancel_finishes_it(
    qtbot: QtBot, context: AgentContext, team_server: TeamServer, tmp_path: Path
) -> None:
    folder = tmp_path / "Portraits"
    folder.mkdir()
    stops: list[int] = []
    window = switching(qtbot, context, team_server, [folder], stops)
    window.register_page.name.setText("Studio Mac")
    next_and_wait(qtbot, window)
    assert window.current_page() == "folders" and stops == [1]  # the agent stopped first
    assert window.folders_page.chosen() == [folder]  # the computer's folders, offered again
    with qtbot.waitSignal(window.completed, timeout=WAIT) as done:
        qtbot.keyClick(window, Qt.Key.Key_Escape)
    signed: SignedIn = done.args[0]
    assert signed.server_url == team_server.base
    assert context.identity().server_url == team_server.base
    assert context.keys.get(USER_TOKEN) is None  # the app keeps the new sign-in, not the window
