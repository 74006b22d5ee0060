"""The coordinator stopped in the middle of a job the agent inside the app runs: the job ends on
this computer, its result is kept and the tray says offline with it queued; once the coordinator
is back the result is sent and the job is done. Real coordinator, real agent process."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from shuttersense.coordinator.settings import Settings
from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.app.first_run_steps import (
    authorize_folder,
    keep_sign_in,
    register_machine,
    sign_in,
)
from shuttersense.desktop.app.services.agent_control import AgentState, describe
from shuttersense.desktop.app.services.embedded_agent import EmbeddedAgent
from shuttersense.desktop.app.settings import AppSettings
from tests.desktop.app.app_factory import MakeApp
from tests.desktop.app.studio import keep_account
from tests.desktop.app.team_server import ADMIN, ADMIN_PASSWORD
from tests.desktop.conftest import write_tree
from tests.e2e.conftest import Coordinator
from tests.helpers.samples import FAMILY
from tests.helpers.slow_scan import slow_agent_scans

WAIT = 90_000  # ms


def test_a_result_made_while_the_coordinator_is_down_is_queued_then_sent(
    qtbot: QtBot,
    context: AgentContext,
    app_settings: AppSettings,
    make_app: MakeApp,
    settings: Settings,
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = Coordinator(settings, db_url)
    try:
        signed = sign_in(server.base, ADMIN, ADMIN_PASSWORD)
        keep_sign_in(context, signed)
        register_machine(context, server.base, server.registration_token(), "Studio Mac")
        collection = authorize_folder(context, write_tree(tmp_path / "photos", FAMILY))
        keep_account(app_settings, signed)

        slow_agent_scans(monkeypatch, 3)
        app = make_app(control=EmbeddedAgent(context, lambda: 0, stop_wait=20), agent_poll_ms=100)
        app.start()
        qtbot.waitUntil(lambda: app.tray.status.state is AgentState.IDLE, timeout=WAIT)
        job = server.run_tool(collection["guid"], "photostats")
        qtbot.waitUntil(lambda: app.tray.status.state is AgentState.WORKING, timeout=WAIT)

        server.stop()
        qtbot.waitUntil(
            lambda: app.tray.status.state is AgentState.OFFLINE and app.tray.status.queued == 1,
            timeout=WAIT,
        )
        assert describe(app.tray.status) == (
            "offline: coordinator unreachable, 1 result queued for upload"
        )
        assert context.store.counts()["pending"] == 1  # on disk, not in memory

        server.start()
        qtbot.waitUntil(lambda: app.tray.status.state is AgentState.IDLE, timeout=WAIT)
        assert server.wait_job(job)["status"] == "completed"
        assert len(server.results_of_job(job)) == 1
        assert context.store.counts()["pending"] == 0
    finally:
        server.close()
