"""Settings: signing out revokes the app's token on the coordinator and forgets it here, signing
in again brings the Overview back; the log level applies at once and is kept."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from pytestqt.qtbot import QtBot

from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.app.api.session import USER_TOKEN
from shuttersense.desktop.app.settings import AppSettings
from tests.desktop.app.app_factory import MakeApp
from tests.desktop.app.studio import keep_account, set_up_agent
from tests.desktop.app.team_server import ADMIN, ADMIN_PASSWORD, TeamServer

WAIT = 30_000


def test_sign_out_and_in_again(
    qtbot: QtBot,
    context: AgentContext,
    app_settings: AppSettings,
    team_server: TeamServer,
    make_app: MakeApp,
) -> None:
    signed = set_up_agent(context, team_server)
    keep_account(app_settings, signed)
    app = make_app()
    app.start()
    view = app.settings_view
    qtbot.waitUntil(lambda: app.overview.updated.text().startswith("Updated"), timeout=WAIT)
    assert view.user.text() == f"{ADMIN} (admin)"
    assert view.account_button.text() == "Sign &out"

    view.account_button.click()
    status = app.window.statusBar()
    qtbot.waitUntil(lambda: status.currentMessage().startswith("Signed out"), timeout=WAIT)
    assert status.currentMessage() == "Signed out: the coordinator revoked the app's token"
    headers = {"Authorization": f"Bearer {signed.token}"}
    assert httpx.get(f"{team_server.base}/api/auth/me", headers=headers).status_code == 401
    assert context.keys.get(USER_TOKEN) is None
    assert app_settings.account() is None and app_settings.server_url() == team_server.base
    assert (view.user.text(), view.account_button.text()) == ("signed out", "Sign &in…")
    assert app.overview.notice.text.text() == f"You are signed out of {team_server.base}."
    assert context.identity().name == "Studio Mac"  # this computer stays registered

    view.account_button.click()  # the sign-in prompt: the server is known already
    dialog = app.first_run
    assert dialog is not None and dialog.current_page() == "server"
    assert dialog.server_page.url.text() == team_server.base
    dialog.next_button.click()
    qtbot.waitUntil(lambda: dialog.current_page() == "sign_in", timeout=WAIT)
    dialog.sign_in_page.email.setText(ADMIN)
    dialog.sign_in_page.password.setText(ADMIN_PASSWORD)
    dialog.next_button.click()
    qtbot.waitUntil(lambda: app_settings.account() is not None, timeout=WAIT)
    assert view.user.text() == f"{ADMIN} (admin)"
    qtbot.waitUntil(lambda: not app.overview.notice.isVisible(), timeout=WAIT)
    assert context.keys.get(USER_TOKEN) not in (None, signed.token)


@pytest.fixture
def shuttersense_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("shuttersense")
    before = logger.level
    yield logger
    logger.setLevel(before)


def test_the_log_level(
    qtbot: QtBot,
    app_settings: AppSettings,
    make_app: MakeApp,
    shuttersense_logger: logging.Logger,
) -> None:
    app = make_app()
    app.settings_view.level.setCurrentText("DEBUG")
    assert shuttersense_logger.level == logging.DEBUG
    assert AppSettings(app_settings.path).log_level() == "DEBUG"
    app.settings_view.level.setCurrentText("WARNING")
    assert shuttersense_logger.level == logging.WARNING
