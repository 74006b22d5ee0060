"""Switching mode ends the registration it replaces, with real processes (solo mode's own
coordinator, the agent runtime) and a real team coordinator (both databases): the coordinator
left lists the old agent revoked, not offline forever; the switch says so."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from shuttersense.coordinator.models import Agent
from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.app.services.agent_control import AgentState
from shuttersense.desktop.app.settings import AppSettings
from tests.coordinator.factories import db
from tests.desktop.app.app_factory import MakeApp, next_and_wait
from tests.desktop.app.solo_app import set_up_solo, solo_app
from tests.desktop.app.team_server import ADMIN, ADMIN_PASSWORD, TeamServer

WAIT = 90_000  # ms: an agent process stops and starts, coordinators come and go

__all__ = ["solo_agents"]


def solo_agents(context: AgentContext) -> dict[str, Agent]:
    """The agents in solo mode's own database (its coordinator stopped), by GUID."""
    [database] = (context.dirs.data / "coordinator").glob("*.db")
    with db(f"sqlite:///{database}") as session:
        return {agent.guid: agent for agent in session.scalars(select(Agent))}


def test_solo_to_team_ends_the_solo_registration(
    qtbot: QtBot,
    context: AgentContext,
    app_settings: AppSettings,
    team_server: TeamServer,
    make_app: MakeApp,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "Portraits"
    folder.mkdir()
    parts = solo_app(make_app, context, agent_poll_ms=200)
    set_up_solo(parts, app_settings, folder)
    old = context.identity()
    app = parts.app
    assert app is not None
    app.start()
    qtbot.waitUntil(lambda: app.tray.status.state is AgentState.IDLE, timeout=WAIT)

    app.settings_view.switch_button.click()
    qtbot.waitUntil(lambda: app.first_run is not None, timeout=WAIT)
    window = app.first_run
    assert window is not None and window.mode_page.team.isChecked()
    next_and_wait(qtbot, window, WAIT)
    window.server_page.url.setText(team_server.base)
    next_and_wait(qtbot, window, WAIT)
    window.sign_in_page.email.setText(ADMIN)
    window.sign_in_page.password.setText(ADMIN_PASSWORD)
    next_and_wait(qtbot, window, WAIT)
    window.register_page.name.setText("Studio Mac")
    next_and_wait(
        qtbot, window, WAIT
    )  # the agent stops; registered with the team; the old one ended
    assert window.error.text() == "" and window.current_page() == "folders"
    next_and_wait(qtbot, window, WAIT)
    said = window.done_page.intro.text()
    assert f"The earlier registration of this computer ({old.name}, solo mode)" in said
    assert "was ended there" in said
    next_and_wait(qtbot, window, WAIT)

    qtbot.waitUntil(lambda: not app_settings.solo(), timeout=WAIT)
    qtbot.waitUntil(lambda: app.tray.status.state is AgentState.IDLE, timeout=WAIT)
    assert "Settings > Agents" not in app.window.notice.text.text()  # nothing for an admin
    new = context.identity()
    assert new.server_url == team_server.base and new.agent_guid != old.agent_guid
    with team_server.admin_api() as admin:
        [listed] = admin.get("/api/agents").json()
    assert listed["guid"] == new.agent_guid and listed["revoked"] is False
    qtbot.waitUntil(lambda: not parts.coordinator.running(), timeout=WAIT)  # solo mode's left
    left = solo_agents(context)
    assert list(left) == [old.agent_guid] and left[old.agent_guid].revoked_at is not None
