"""The first-run window in team mode, against a real coordinator: the server checked before
going on, sign-in, registration through a token, folders that become roots and collections."""

from __future__ import annotations

from pathlib import Path

import httpx
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from shuttersense.desktop.agent.context import AGENT_KEY, AgentContext
from shuttersense.desktop.app.api.session import USER_TOKEN
from shuttersense.desktop.app.dialogs.first_run import FirstRunDialog
from shuttersense.desktop.app.first_run_steps import SignedIn
from shuttersense.desktop.app.settings import AppSettings
from shuttersense.desktop.app.workers import Workers
from tests.desktop.app.app_factory import MakeApp, next_and_wait
from tests.desktop.app.team_server import (
    ADMIN,
    ADMIN_PASSWORD,
    MEMBER,
    MEMBER_PASSWORD,
    TeamServer,
)
from tests.desktop.conftest import write_tree
from tests.helpers.live_server import free_port
from tests.helpers.samples import FAMILY

WAIT = 30_000  # ms: a step talks to a real server


def dialog(qtbot: QtBot, context: AgentContext) -> FirstRunDialog:
    window = FirstRunDialog(context, Workers())
    qtbot.addWidget(window)
    window.show()
    return window


def signed_in(
    qtbot: QtBot, context: AgentContext, server: TeamServer, email: str, password: str
) -> FirstRunDialog:
    """The window past its team-mode, address and sign-in pages."""
    window = dialog(qtbot, context)
    next_and_wait(qtbot, window)
    window.server_page.url.setText(server.base)
    next_and_wait(qtbot, window)
    window.sign_in_page.email.setText(email)
    window.sign_in_page.password.setText(password)
    next_and_wait(qtbot, window)
    return window


def test_team_mode_from_server_to_collection(
    qtbot: QtBot,
    context: AgentContext,
    app_settings: AppSettings,
    team_server: TeamServer,
    tmp_path: Path,
    make_app: MakeApp,
) -> None:
    app = make_app()
    app.start()  # nothing set up yet: the first-run window, not the main window
    window = app.first_run
    assert window is not None and window.isVisible() and not app.window.isVisible()
    assert window.current_page() == "mode"
    assert not window.mode_page.solo.isEnabled()  # solo mode is wired by the next part
    assert window.mode_page.solo_note.text().startswith("Solo mode comes with the next version")
    assert window.mode_page.team.isChecked()
    next_and_wait(qtbot, window)

    assert window.current_page() == "server"
    window.server_page.url.setText(f"http://127.0.0.1:{free_port()}")
    next_and_wait(qtbot, window)
    assert window.current_page() == "server"  # nobody answers there: it does not go on
    assert "cannot reach" in window.error.text()
    window.server_page.url.setText(team_server.base + "/")
    next_and_wait(qtbot, window)

    assert window.current_page() == "sign_in"
    assert team_server.base in window.sign_in_page.intro.text()
    qtbot.keyClicks(window.sign_in_page.email, ADMIN)
    qtbot.keyClicks(window.sign_in_page.password, "wrong")
    next_and_wait(qtbot, window)
    assert window.current_page() == "sign_in"
    assert window.error.text() == "the e-mail address or the password is wrong; try again"
    window.sign_in_page.password.setText(ADMIN_PASSWORD)
    next_and_wait(qtbot, window)
    assert window.sign_in_page.password.text() == ""  # not kept once used

    assert window.current_page() == "register"
    page = window.register_page
    assert page.create.isEnabled() and page.create.isChecked()  # an admin gets a token made
    page.name.setText("Studio Mac")
    next_and_wait(qtbot, window)

    assert window.current_page() == "folders"
    photos = write_tree(tmp_path / "Photos 2024", FAMILY)
    window.folders_page.add(photos)
    with qtbot.waitSignal(window.completed, timeout=WAIT) as done:
        next_and_wait(qtbot, window)
        assert window.current_page() == "done"
        assert "Photos 2024" in window.done_page.intro.text()
        qtbot.keyClick(window, Qt.Key.Key_Escape)  # closing the last page finishes too
    signed: SignedIn = done.args[0]
    assert (signed.server_url, signed.user.email, signed.user.role) == (
        team_server.base,
        ADMIN,
        "admin",
    )
    assert signed.token not in repr(signed)

    identity = context.identity()
    assert (identity.name, identity.server_url) == ("Studio Mac", team_server.base)
    assert context.keys.get(AGENT_KEY).startswith("agt_key_")
    assert context.keys.get(USER_TOKEN) == signed.token
    assert context.config.roots == (str(photos.resolve()),)
    headers = {"Authorization": f"Bearer {signed.token}"}
    collections = httpx.get(f"{team_server.base}/api/collections", headers=headers).json()
    assert [(c["name"], c["root_path"], c["agent"]) for c in collections] == [
        ("Photos 2024", str(photos.resolve()), identity.agent_guid)
    ]
    agents = httpx.get(f"{team_server.base}/api/agents", headers=headers).json()
    assert [agent["name"] for agent in agents] == ["Studio Mac"]

    # The app goes on with the main window, signed in; the token is not in the settings file.
    assert app.window.isVisible()
    account = app_settings.account()
    assert account is not None and (account.server_url, account.email) == (team_server.base, ADMIN)
    app_settings.sync()
    assert signed.token not in app_settings.path.read_text(encoding="utf-8") + repr(account)
    qtbot.waitUntil(lambda: app.overview.collections.value.text() == "1", timeout=WAIT)


def test_a_member_pastes_a_token(
    qtbot: QtBot, context: AgentContext, team_server: TeamServer
) -> None:
    team_server.add_member()
    window = signed_in(qtbot, context, team_server, MEMBER, MEMBER_PASSWORD)

    page = window.register_page
    assert window.current_page() == "register"
    assert not page.create.isEnabled() and page.paste.isChecked()
    assert "Only team admins can create registration tokens" in page.note.text()
    page.token.setText("not-a-token")
    next_and_wait(qtbot, window)
    assert window.current_page() == "register"
    assert window.error.text().startswith("a registration token starts with art_")
    assert context.config.identity is None  # nothing was sent

    page.token.setText(team_server.registration_token())
    next_and_wait(qtbot, window)
    assert window.current_page() == "folders"
    assert context.identity().server_url == team_server.base

    window.back_button.click()  # back goes where it came from, nothing lost
    assert window.current_page() == "register"


def test_an_unusable_folder_is_refused_and_the_rest_kept(
    qtbot: QtBot, context: AgentContext, team_server: TeamServer, tmp_path: Path
) -> None:
    window = signed_in(qtbot, context, team_server, ADMIN, ADMIN_PASSWORD)
    next_and_wait(qtbot, window)
    missing = tmp_path / "gone"
    window.folders_page.add(missing)
    next_and_wait(qtbot, window)
    assert window.current_page() == "folders"
    gone = f"[Errno 2] No such file or directory: '{missing}'"
    assert window.error.text() == f"{missing} cannot be opened ({gone}); pick another"


def test_cancelled_after_signing_in_leaves_no_token_behind(
    qtbot: QtBot, context: AgentContext, team_server: TeamServer
) -> None:
    window = signed_in(qtbot, context, team_server, ADMIN, ADMIN_PASSWORD)
    token = context.keys.get(USER_TOKEN)
    assert token and window.current_page() == "register"
    window.register_page.token.setText("art_not-a-real-token-at-all")
    window.register_page.paste.setChecked(True)
    window.next_button.click()
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # not while a step runs
    assert window.isVisible()
    qtbot.waitUntil(lambda: window.next_button.isEnabled(), timeout=WAIT)
    assert "registration token" in window.error.text()
    window.cancel_button.click()
    qtbot.waitUntil(lambda: context.keys.get(USER_TOKEN) is None, timeout=WAIT)
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{team_server.base}/api/auth/me", headers=headers).status_code == 401
