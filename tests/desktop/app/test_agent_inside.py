"""The agent runtime inside the app (a child process), in solo mode with real processes: the
tray's pause holds new jobs back and resume takes them, Quit hands a running job back to the
coordinator, and the app's window stays its own while the agent works."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.app.services.agent_control import AgentState
from shuttersense.desktop.app.settings import AppSettings
from tests.desktop.app.app_factory import MakeApp
from tests.desktop.app.solo_app import job_status, queue, set_up_solo, solo_app, user_api
from tests.desktop.conftest import write_tree
from tests.helpers.samples import FAMILY
from tests.helpers.slow_scan import slow_agent_scans

WAIT = 90_000  # ms


def test_pause_holds_jobs_back_resume_takes_them_and_quit_hands_the_running_one_back(
    qtbot: QtBot,
    context: AgentContext,
    app_settings: AppSettings,
    make_app: MakeApp,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow_agent_scans(monkeypatch, 120)  # the job runs until it is handed back
    photos = write_tree(tmp_path / "photos", FAMILY)
    parts = solo_app(make_app, context, agent_poll_ms=100)
    base = set_up_solo(parts, app_settings, photos)
    app = parts.app
    assert app is not None
    app.start()  # solo mode set up: its coordinator starts again, then the agent
    qtbot.waitUntil(lambda: app.tray.status.state is AgentState.IDLE, timeout=WAIT)
    agent = context.identity().agent_guid

    app.tray.pause_action.trigger()
    qtbot.waitUntil(lambda: app.tray.status.state is AgentState.PAUSED, timeout=WAIT)
    with user_api(context, base) as api:
        qtbot.waitUntil(
            lambda: api.get(f"/api/agents/{agent}").json()["status"] == "paused", timeout=WAIT
        )
    job = queue(context, base)
    qtbot.wait(2000)  # a claim would have taken it by now
    assert job_status(context, base, job) == "queued"

    app.tray.pause_action.trigger()  # now "Resume"
    qtbot.waitUntil(lambda: job_status(context, base, job) == "running", timeout=WAIT)
    qtbot.waitUntil(lambda: app.tray.status.state is AgentState.WORKING, timeout=WAIT)
    assert app.tray.status.job == job

    with qtbot.waitSignal(app.finished, timeout=WAIT):
        app.tray.quit_action.trigger()
    assert not parts.coordinator.running()  # the embedded coordinator stops with the app
    assert parts.agent.pid is None
    parts.coordinator.start()  # to ask it what became of the job
    try:
        assert job_status(context, base, job) == "queued"  # handed back, not lost
    finally:
        parts.coordinator.stop()


def test_a_coordinator_that_cannot_start_says_why_and_retry_starts_it(
    qtbot: QtBot,
    context: AgentContext,
    app_settings: AppSettings,
    make_app: MakeApp,
    tmp_path: Path,
) -> None:
    parts = solo_app(make_app, context, agent_poll_ms=100)
    set_up_solo(parts, app_settings)
    database = context.dirs.data / "coordinator" / "coordinator.db"
    kept = database.rename(tmp_path / "kept.db")
    database.write_bytes(b"this is not a database" * 100)
    app = parts.app
    assert app is not None
    app.start()
    notice = app.overview.notice
    qtbot.waitUntil(lambda: "did not start" in notice.text.text(), timeout=WAIT)
    said = notice.text.text()
    assert "file is not a database" in said  # the coordinator's own reason
    assert notice.action.text() == "&Retry"
    assert app.tray.status.state is AgentState.STOPPED  # no agent without its coordinator

    kept.replace(database)
    qtbot.mouseClick(notice.action, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.tray.status.state is AgentState.IDLE, timeout=WAIT)
    assert parts.coordinator.running()
