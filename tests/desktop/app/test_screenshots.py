"""Screenshots of the first-run window and the main window (Overview with a studio's real
results, Settings with the log viewer), saved in build/screenshots/ for people to look at."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.app.dialogs.first_run import FirstRunDialog
from shuttersense.desktop.app.logs import configure_app_logging
from shuttersense.desktop.app.services.agent_control import AgentState, AgentStatus
from shuttersense.desktop.app.settings import AppSettings
from shuttersense.desktop.app.workers import Workers
from tests.desktop.app.app_factory import MakeApp
from tests.desktop.app.conftest import ADMIN, ADMIN_PASSWORD, TeamServer, dark
from tests.desktop.app.fakes import FakeAgentControl
from tests.desktop.app.studio import Studio
from tests.desktop.conftest import write_tree
from tests.helpers.samples import FAMILY

SHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots"
WAIT = 30_000


def save(widget: QWidget, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    assert widget.grab().save(str(path)), f"cannot write {path}"
    assert path.stat().st_size > 10_000  # a drawn window, not an empty image
    return path


@pytest.fixture
def app_log(context: AgentContext) -> Iterator[Path]:
    """The app's log configured as the entry point does it, and taken down afterwards."""
    path = configure_app_logging(context.dirs.logs, "DEBUG")
    yield path
    logger = logging.getLogger("shuttersense")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    logger.setLevel(logging.NOTSET)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_first_run_window(
    qtbot: QtBot, context: AgentContext, team_server: TeamServer, tmp_path: Path
) -> None:
    window = FirstRunDialog(context, Workers())
    qtbot.addWidget(window)
    window.resize(620, 460)
    window.show()
    save(window, "first-run-1-mode")
    window.next_button.click()
    window.server_page.url.setText(team_server.base)
    save(window, "first-run-2-server")
    window.next_button.click()
    qtbot.waitUntil(lambda: window.current_page() == "sign_in", timeout=WAIT)
    window.sign_in_page.email.setText(ADMIN)
    window.sign_in_page.password.setText(ADMIN_PASSWORD)
    save(window, "first-run-3-sign-in")
    window.next_button.click()
    qtbot.waitUntil(lambda: window.current_page() == "register", timeout=WAIT)
    window.register_page.name.setText("Studio Mac")
    save(window, "first-run-4-register")
    window.next_button.click()
    qtbot.waitUntil(lambda: window.current_page() == "folders", timeout=WAIT)
    window.folders_page.add(write_tree(tmp_path / "Weddings 2024", FAMILY))
    window.folders_page.add(write_tree(tmp_path / "Portraits", FAMILY))
    save(window, "first-run-5-folders")
    window.next_button.click()
    qtbot.waitUntil(lambda: window.current_page() == "done", timeout=WAIT)
    save(window, "first-run-6-done")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_main_window(
    qtbot: QtBot,
    context: AgentContext,
    app_settings: AppSettings,
    team_server: TeamServer,
    tmp_path: Path,
    app_log: Path,
    make_app: MakeApp,
    qapp: QApplication,
) -> None:
    light = qapp.palette()
    studio = Studio(context, team_server, tmp_path / "demo")
    studio.analyse()
    studio.lose_sidecars(6)
    studio.analyse()
    studio.sign_in_app(app_settings)
    app_settings.set_log_level("DEBUG")  # as app_log configured it
    control = FakeAgentControl()
    control.set(AgentStatus(AgentState.WORKING, percent=42, job="job_01"))
    app = make_app(control=control, log_file=app_log)
    app.start()
    app.window.resize(1180, 760)
    view = app.overview
    qtbot.waitUntil(lambda: view.worse_model.rowCount() > 0, timeout=WAIT)
    qtbot.waitUntil(lambda: view.agent_state.text() == "Working: 42 %", timeout=WAIT)
    view.notice.hide()
    save(app.window, "main-overview")
    qapp.setPalette(dark(light))  # a desktop in dark mode
    try:
        qapp.processEvents()  # the palette reaches every widget
        save(app.window, "main-overview-dark")
    finally:
        qapp.setPalette(light)

    logging.getLogger("shuttersense.desktop.app.tests").warning(
        "the coordinator answered slowly (screenshot sample)"
    )
    app.window.show_view("settings")
    viewer = app.log_viewer
    qtbot.waitUntil(lambda: viewer.filter.rowCount() > 5, timeout=WAIT)
    save(app.window, "main-settings")
    viewer.level.setCurrentIndex(2)  # warnings and errors
    assert viewer.filter.rowCount() >= 1
    save(app.window, "main-settings-warnings")
