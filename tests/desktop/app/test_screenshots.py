"""Screenshots of the first-run window and of every view of the main window with a studio's
real results (its history spread over weeks for the trend charts), jobs queued, running and
failed, saved in build/screenshots/ for people to look at."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from shuttersense.coordinator.models import Result
from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.app.dialogs.first_run import FirstRunDialog
from shuttersense.desktop.app.logs import configure_app_logging
from shuttersense.desktop.app.services.agent_control import AgentState, AgentStatus
from shuttersense.desktop.app.services.embedded_coordinator import EmbeddedCoordinator
from shuttersense.desktop.app.services.solo import Solo
from shuttersense.desktop.app.settings import AppSettings
from shuttersense.desktop.app.views.collections_view import CollectionsView
from shuttersense.desktop.app.views.overview import OverviewView
from shuttersense.desktop.app.workers import Workers
from tests.coordinator.factories import db
from tests.desktop.app.agent_calls import claim_job, fail_job, report_progress
from tests.desktop.app.app_factory import SignedInView
from tests.desktop.app.conftest import dark
from tests.desktop.app.fakes import FakeAgentControl
from tests.desktop.app.studio import Studio
from tests.desktop.app.team_server import ADMIN, ADMIN_PASSWORD, TeamServer
from tests.desktop.conftest import write_tree
from tests.helpers.samples import FAMILY

SHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots"
WAIT = 30_000


def save(widget: QWidget, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()  # widgets just put in a shown layout are shown by an event
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
    app_log: Path,  # before the studio: its set-up is in the log the settings view shows
    studio: Studio,
    signed_in_view: SignedInView,
    qapp: QApplication,
) -> None:
    light = qapp.palette()
    studio.analyse()
    studio.lose_sidecars(6)
    studio.analyse()
    app_settings.set_log_level("DEBUG")  # as app_log configured it
    control = FakeAgentControl()
    control.set(AgentStatus(AgentState.WORKING, percent=42, job="job_01"))
    coordinator = EmbeddedCoordinator(context.dirs.data / "coordinator", context.dirs.logs)
    app, view = signed_in_view(
        "overview",
        OverviewView,
        lambda v: v.worse_model.rowCount() > 0 and v.agent_state.text() == "Working: 42 %",
        control=control,
        log_file=app_log,
        solo=Solo(coordinator),  # never started
    )
    app.window.resize(1180, 760)
    app.window.notice.hide()  # offscreen has no tray: a desktop with one does not say so
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

    app.settings_view.switch_button.click()
    qtbot.waitUntil(lambda: app.first_run is not None, timeout=WAIT)
    switch = app.first_run
    assert switch is not None
    switch.resize(620, 460)
    qtbot.waitUntil(switch.isVisible, timeout=WAIT)
    save(switch, "settings-switch-mode")
    switch.reject()  # nothing asked yet: everything stays as it was


def _backdate(server: TeamServer, guids: set[str], days: int) -> None:
    """Results made now, told as made `days` ago: a studio's history, for the trend charts."""
    with db(server.db_url) as session:
        for result in session.scalars(select(Result).where(Result.guid.in_(guids))):
            result.created_at -= timedelta(days=days)
        session.commit()


def _result_guids(server: TeamServer) -> set[str]:
    with server.admin_api() as admin:
        return {result["guid"] for result in admin.get("/api/results").json()}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_team_views(
    qtbot: QtBot,
    context: AgentContext,
    team_server: TeamServer,
    studio: Studio,
    signed_in_view: SignedInView,
    qapp: QApplication,
) -> None:
    for weeks_ago, lost in ((6, 0), (4, 3), (2, 4), (0, 5)):
        if lost:
            studio.lose_sidecars(lost)
        before = _result_guids(team_server)
        studio.analyse()
        _backdate(team_server, _result_guids(team_server) - before, 7 * weeks_ago)
    collection = studio.collection["guid"]
    with team_server.admin_api() as admin:
        for tool in ("photostats", "photo_pairing", "pipeline_validation"):
            queued = admin.post(f"/api/collections/{collection}/jobs", json={"tool": tool})
            assert queued.status_code == 201, queued.text
    with context.client() as agent:
        failing = claim_job(agent)
        reason = "the folder /Volumes/Studio/2024 cannot be read: the disk is not connected"
        fail_job(agent, failing, reason)
        running = claim_job(agent)
        fields = {"stage": "analysing", "counts": {"files": 812}, "message": "812 of 1,930 files"}
        report_progress(agent, running, 42, **fields)

    app, collections = signed_in_view(
        "collections",
        CollectionsView,
        lambda v: v.detail.charts[0].latest() is not None and len(v.detail.charts[0].points) == 4,
    )
    app.window.resize(1180, 760)
    app.window.notice.hide()  # offscreen has no tray: a desktop with one does not say so
    views = app.team_views
    detail = collections.detail
    save(app.window, "main-collections")
    detail.tabs.setCurrentIndex(1)
    save(app.window, "main-collections-what-to-fix")
    detail.tabs.setCurrentIndex(0)
    light = qapp.palette()
    qapp.setPalette(dark(light))
    try:
        qapp.processEvents()
        save(app.window, "main-collections-dark")
    finally:
        qapp.setPalette(light)

    app.window.show_view("pipelines")
    pipelines = views.pipelines
    qtbot.waitUntil(lambda: pipelines.model.rowCount() == 1, timeout=WAIT)
    pipelines.list.table.selectRow(0)
    qtbot.waitUntil(lambda: pipelines.current is not None, timeout=WAIT)
    pipelines.preview()
    qtbot.waitUntil(lambda: "AB3D0001" in pipelines.preview_out.toPlainText(), timeout=WAIT)
    pipelines.editor.edges.item(4, 1).setText("nowhere")
    qtbot.waitUntil(lambda: bool(pipelines.errors_shown()), timeout=WAIT)
    save(app.window, "main-pipelines")

    app.window.show_view("jobs")
    jobs = views.jobs
    qtbot.waitUntil(lambda: jobs.model.rowCount() == 3, timeout=WAIT)
    failed = next(i for i, job in enumerate(jobs.model.rows()) if job.status == "failed")
    jobs.list.table.selectRow(failed)
    save(app.window, "main-jobs")

    app.window.show_view("agents")
    agents = views.agents
    qtbot.waitUntil(lambda: agents.model.rowCount() == 1, timeout=WAIT)
    agents.create.click()
    qtbot.waitUntil(lambda: agents.token.text().startswith("art_"), timeout=WAIT)
    agents.list.table.selectRow(0)
    save(app.window, "main-agents")
