"""The Agents view against a real coordinator (both databases): the team's agents with their
state and last heartbeat; an admin makes a registration token and copies it, renames and
revokes an agent; a member sees the agents and may change nothing."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.app.settings import AppSettings
from shuttersense.desktop.app.views.agents_view import ADMINS_ONLY, AgentsView
from tests.desktop.app.app_factory import MakeApp, SignedInView, open_view
from tests.desktop.app.studio import signed_in_as
from tests.desktop.app.team_server import MEMBER, MEMBER_PASSWORD, TeamServer

WAIT = 30_000


def test_token_rename_and_revoke(
    qtbot: QtBot, team_server: TeamServer, signed_in_view: SignedInView
) -> None:
    _, view = signed_in_view("agents", AgentsView, lambda v: v.model.rowCount() == 1)
    model = view.model
    assert [model.index(0, c).data() for c in (0, 1)] == ["Studio Mac", "idle"]
    assert model.index(0, 2).data() != "never"  # it has sent its heartbeat
    tokens = view.tokens_model
    enrolled = [tokens.index(row, 3).data() for row in range(tokens.rowCount())]
    assert "Studio Mac" in enrolled  # the token this machine registered with
    made_before = tokens.rowCount()
    assert not view.admins_only.isVisibleTo(view)

    view.create.click()
    qtbot.waitUntil(lambda: view.token.text().startswith("art_"), timeout=WAIT)
    qtbot.waitUntil(lambda: tokens.rowCount() == made_before + 1, timeout=WAIT)
    view.copy.click()
    assert QGuiApplication.clipboard().text() == view.token.text()

    view.list.table.selectRow(0)
    view.name.setText("Studio Mac Pro")
    view.rename.click()
    qtbot.waitUntil(lambda: model.index(0, 0).data() == "Studio Mac Pro", timeout=WAIT)
    with team_server.admin_api() as admin:
        assert admin.get("/api/agents").json()[0]["name"] == "Studio Mac Pro"

    view.revoke.click()
    box = view.confirm
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.text().startswith("Revoke Studio Mac Pro?")
    revoke = next(b for b in box.buttons() if b.text() == "Revoke")
    revoke.click()
    qtbot.waitUntil(lambda: model.index(0, 1).data() == "revoked", timeout=WAIT)
    assert not view.rename.isEnabled() and not view.revoke.isEnabled()


@pytest.mark.usefixtures("studio")
def test_a_member_sees_the_agents_and_changes_nothing(
    qtbot: QtBot,
    context: AgentContext,
    app_settings: AppSettings,
    team_server: TeamServer,
    make_app: MakeApp,
) -> None:
    team_server.add_member()
    signed_in_as(context, app_settings, team_server, MEMBER, MEMBER_PASSWORD)
    _, view = open_view(qtbot, make_app, "agents", AgentsView, lambda v: v.model.rowCount() == 1)
    view.list.table.selectRow(0)
    assert view.model.index(0, 0).data() == "Studio Mac"
    assert view.admins_only.isVisibleTo(view) and view.admins_only.text() == ADMINS_ONLY
    assert not view.create.isEnabled()
    assert not view.rename.isEnabled() and not view.revoke.isEnabled()
    assert view.rename.toolTip() == ADMINS_ONLY
    assert view.tokens_model.rowCount() == 0
