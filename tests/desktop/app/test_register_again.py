"""A team app whose agent registration is lost, with a real coordinator (both databases) and the
real agent process: its key gone from the key store, or revoked by an admin. The Overview says
so with "Register this computer again…", which runs the register step alone against the same
coordinator; the collections move to the new registration, the results kept are sent there,
and the agent runs again."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from shuttersense.desktop.agent.context import AGENT_KEY, AgentContext
from shuttersense.desktop.agent.local_runs import run_locally
from shuttersense.desktop.app.application import DesktopApp
from shuttersense.desktop.app.dialogs.first_run import FirstRunDialog
from shuttersense.desktop.app.first_run_steps import (
    SignedIn,
    authorize_folder,
    register_machine,
)
from shuttersense.desktop.app.services.agent_control import AgentState, describe
from shuttersense.desktop.app.services.embedded_agent import EmbeddedAgent
from shuttersense.desktop.app.settings import AppSettings
from tests.desktop.app.app_factory import MakeApp, next_and_wait
from tests.desktop.app.solo_app import set_up_solo, solo_app
from tests.desktop.app.studio import signed_in_as
from tests.desktop.app.team_server import ADMIN, ADMIN_PASSWORD, MEMBER, MEMBER_PASSWORD, TeamServer
from tests.desktop.app.test_screenshots import save
from tests.desktop.conftest import write_tree
from tests.helpers.samples import FAMILY

WAIT = 90_000  # ms: an agent process ends and starts again on a busy machine


def _registered(
    context: AgentContext, server: TeamServer, settings: AppSettings, email: str, password: str
) -> SignedIn:
    signed = signed_in_as(context, settings, server, email, password)
    register_machine(context, server.base, server.registration_token(), "Studio Mac")
    return signed


def _started(qtbot: QtBot, make_app: MakeApp, context: AgentContext) -> DesktopApp:
    app = make_app(control=EmbeddedAgent(context, lambda: 0, stop_wait=20), agent_poll_ms=100)
    app.start()
    return app


def _register_again(qtbot: QtBot, app: DesktopApp) -> FirstRunDialog:
    qtbot.waitUntil(lambda: app.tray.status.registration_lost, timeout=WAIT)
    assert app.tray.status.state is AgentState.ERROR
    button = app.overview.register_again
    assert not button.isHidden()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.first_run is not None, timeout=WAIT)
    window = app.first_run
    assert window is not None and window.current_page() == "register"  # the one step
    assert window.windowTitle() == "Register this computer again"
    assert window.register_page.name.text() == app.context.identity().name  # as it was
    return window


def test_a_lost_agent_key_is_mended_by_registering_again(
    qtbot: QtBot,
    context: AgentContext,
    app_settings: AppSettings,
    team_server: TeamServer,
    make_app: MakeApp,
    tmp_path: Path,
) -> None:
    signed = _registered(context, team_server, app_settings, ADMIN, ADMIN_PASSWORD)
    folder = write_tree(tmp_path / "Portraits", FAMILY).resolve()
    first = authorize_folder(context, folder)
    kept = run_locally(context, str(folder), None, offline=True)
    tools = len(kept.document.results)
    assert context.store.counts()["pending"] == tools
    old = context.identity()
    context.keys.delete(AGENT_KEY)  # the keyring wiped, say

    app = _started(qtbot, make_app, context)
    window = _register_again(qtbot, app)
    assert "agent key is gone from the key store" in describe(app.tray.status)
    assert "agent key is gone" in app.overview.agent_state.text()
    app.window.show_view("overview")
    save(app.window, "register-again-overview")
    save(window, "register-again-window")
    assert window.register_page.create.isChecked()  # an admin: a token is made for them
    next_and_wait(qtbot, window, WAIT)
    assert window.error.text() == ""
    assert window.current_page() == "done"
    said = window.done_page.intro.text()
    assert "registered again, as Studio Mac" in said and "Not done" not in said
    next_and_wait(qtbot, window, WAIT)
    assert window.error.text() == ""

    qtbot.waitUntil(lambda: app.tray.status.state is AgentState.IDLE, timeout=WAIT)
    assert app.first_run is None and app.overview.register_again.isHidden()
    new = context.identity()
    assert new.server_url == old.server_url and new.agent_guid != old.agent_guid
    assert context.config.roots == (str(folder),)  # its folders stay
    assert app_settings.account() is not None and app.session is not None  # still signed in
    qtbot.waitUntil(lambda: context.store.counts()["pending"] == 0, timeout=WAIT)
    with team_server.admin_api() as admin:
        collections = admin.get("/api/collections").json()
        results = admin.get("/api/results").json()
        tokens = admin.get("/api/auth/tokens").json()
    [made] = [c for c in collections if c["root_path"] == str(folder)]
    assert made["guid"] == first["guid"]  # moved to the new registration, not made anew
    assert made["agent"] == new.agent_guid
    assert len([r for r in results if r["collection"] == made["guid"]]) == tools  # kept, sent
    mine = [t for t in tokens if t["guid"] == signed.token_guid]
    assert mine and mine[0]["revoked_at"] is None  # the app's sign-in was kept, not ended


def test_a_revoked_agent_is_registered_again_with_a_token_an_admin_gave(
    qtbot: QtBot,
    context: AgentContext,
    app_settings: AppSettings,
    team_server: TeamServer,
    make_app: MakeApp,
) -> None:
    team_server.add_member()
    _registered(context, team_server, app_settings, MEMBER, MEMBER_PASSWORD)
    old = context.identity()
    app = _started(qtbot, make_app, context)
    qtbot.waitUntil(lambda: app.tray.status.state is AgentState.IDLE, timeout=WAIT)
    with team_server.admin_api() as admin:
        revoked = admin.post(f"/api/agents/{old.agent_guid}/revoke")
        assert revoked.status_code == 200, revoked.text

    window = _register_again(qtbot, app)
    assert "no longer accepts this computer's agent key" in describe(app.tray.status)
    page = window.register_page
    assert page.paste.isChecked() and not page.create.isEnabled()  # a member pastes one
    page.token.setText(team_server.registration_token())
    next_and_wait(qtbot, window, WAIT)
    assert window.error.text() == ""
    next_and_wait(qtbot, window, WAIT)
    assert window.error.text() == ""

    qtbot.waitUntil(lambda: app.tray.status.state is AgentState.IDLE, timeout=WAIT)
    new = context.identity()
    assert new.agent_guid != old.agent_guid and new.server_url == old.server_url
    with team_server.admin_api() as admin:
        agents = {agent["guid"]: agent for agent in admin.get("/api/agents").json()}
    assert agents[old.agent_guid]["revoked"] is True and agents[new.agent_guid]["revoked"] is False


def test_cancelling_keeps_the_sign_in_and_asks_again_later(
    qtbot: QtBot,
    context: AgentContext,
    app_settings: AppSettings,
    team_server: TeamServer,
    make_app: MakeApp,
) -> None:
    signed = _registered(context, team_server, app_settings, ADMIN, ADMIN_PASSWORD)
    context.keys.delete(AGENT_KEY)
    app = _started(qtbot, make_app, context)
    window = _register_again(qtbot, app)
    window.cancel_button.click()
    qtbot.waitUntil(lambda: app.first_run is None, timeout=WAIT)
    assert app.session is not None and app_settings.account() is not None
    with team_server.admin_api() as admin:
        tokens = admin.get("/api/auth/tokens").json()
    assert [t["revoked_at"] for t in tokens if t["guid"] == signed.token_guid] == [None]
    assert app.tray.status.registration_lost and not app.overview.register_again.isHidden()


def test_solo_mode_registers_again_without_showing_an_address(
    qtbot: QtBot, context: AgentContext, app_settings: AppSettings, make_app: MakeApp
) -> None:
    parts = solo_app(make_app, context, agent_poll_ms=100)
    base = set_up_solo(parts, app_settings)
    old = context.identity()
    context.keys.delete(AGENT_KEY)
    app = parts.app
    assert app is not None
    app.start()
    window = _register_again(qtbot, app)
    said = window.register_page.intro.text()
    assert "(solo mode)" in said and base not in said and "127.0.0.1" not in said
    assert window.register_page.create.isChecked()  # solo mode's user is its admin
    next_and_wait(qtbot, window, WAIT)
    assert window.error.text() == ""
    next_and_wait(qtbot, window, WAIT)
    assert window.error.text() == ""
    qtbot.waitUntil(lambda: app.tray.status.state is AgentState.IDLE, timeout=WAIT)
    new = context.identity()
    assert new.agent_guid != old.agent_guid and app_settings.solo()
