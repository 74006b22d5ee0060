"""Switching mode from Settings, with real processes and two real coordinators (both
databases for the team's): a computer of a team whose coordinator is gone keeps its results
offline, switches to solo mode through the first-run steps, registers there anew, and the
results it kept arrive at its own coordinator; the old agent key is gone from the key store."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from shuttersense.common.results import PhotoStatsResult
from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.settings import Settings
from shuttersense.desktop.agent.context import AGENT_KEY, AgentContext
from shuttersense.desktop.agent.local_runs import run_locally
from shuttersense.desktop.app.first_run_steps import authorize_folder
from shuttersense.desktop.app.services.agent_control import AgentState
from shuttersense.desktop.app.settings import AppSettings
from tests.coordinator.factories import team_with_token
from tests.desktop.app.app_factory import MakeApp, next_and_wait
from tests.desktop.app.solo_app import results, solo_app, user_api
from tests.desktop.app.studio import keep_account, set_up_agent
from tests.desktop.app.team_server import TeamServer
from tests.desktop.conftest import write_tree
from tests.helpers.live_server import live_server
from tests.helpers.samples import FAMILY

WAIT = 90_000  # ms: processes start, an agent stops and starts, on a busy machine


def test_team_to_solo_sends_what_was_kept_offline_to_the_new_coordinator(
    qtbot: QtBot,
    context: AgentContext,
    app_settings: AppSettings,
    settings: Settings,
    db_url: str,
    make_app: MakeApp,
    tmp_path: Path,
) -> None:
    folder = write_tree(tmp_path / "Portraits", FAMILY).resolve()
    team_with_token(db_url, "Studio")
    with live_server(create_app(settings, sweep_interval=None)) as team_base:
        signed = set_up_agent(context, TeamServer(team_base, db_url))
        keep_account(app_settings, signed)
        collection = authorize_folder(context, folder)
        run_locally(context, collection["guid"], None, offline=False)  # sent there
    # The team's coordinator is gone; a run made meanwhile is kept for upload.
    (folder / "2024" / "AB3D0002.xmp").unlink()
    kept = run_locally(context, collection["guid"], None, offline=True)
    tools = len(kept.document.results)  # PhotoStats and Photo Pairing: no pipeline
    assert tools == 2 and context.store.counts()["pending"] == tools
    kept_stats = kept.document.results["photostats"]
    assert isinstance(kept_stats, PhotoStatsResult)
    old = context.identity()
    old_key = context.keys.get(AGENT_KEY)

    parts = solo_app(make_app, context, agent_poll_ms=200)
    app = parts.app
    assert app is not None
    app.start()
    qtbot.waitUntil(lambda: app.tray.status.state is AgentState.OFFLINE, timeout=WAIT)
    assert app.settings_view.mode.text() == "team coordinator"
    app.window.show_view("settings")
    app.settings_view.switch_button.click()
    qtbot.waitUntil(lambda: app.first_run is not None, timeout=WAIT)
    window = app.first_run
    assert window is not None and window.current_page() == "mode"
    assert window.mode_page.solo.isChecked()  # the other mode, to begin with
    assert window.folders_page.chosen() == [folder]  # its folders, offered again
    next_and_wait(
        qtbot, window, WAIT
    )  # the agent stopped; solo mode's coordinator, user, registration
    assert window.error.text() == ""
    assert window.current_page() == "folders"
    next_and_wait(qtbot, window, WAIT)  # the folder becomes a collection there
    assert window.current_page() == "done"
    said = window.done_page.intro.text()
    assert "kept for upload go there" in said
    # The team's coordinator cannot be told: its registration remains, and the user is told so.
    assert f"The earlier registration of this computer ({old.name}, {team_base})" in said
    assert "remains" in said and "can revoke it in Settings > Agents" in said
    next_and_wait(qtbot, window, WAIT)

    qtbot.waitUntil(app_settings.solo, timeout=WAIT)
    notice = app.window.notice.text
    qtbot.waitUntil(lambda: "can revoke it in Settings > Agents" in notice.text(), timeout=WAIT)
    base = parts.coordinator.url
    assert base is not None and base != team_base
    qtbot.waitUntil(lambda: len(results(context, base)) == tools, timeout=WAIT)
    by_tool = {str(r["tool"]): r for r in results(context, base)}
    with user_api(context, base) as api:
        [made] = api.get("/api/collections").json()
        stats = api.get(f"/api/results/{by_tool['photostats']['guid']}").json()["results"]
        agents = api.get("/api/agents").json()
    assert made["root_path"] == str(folder) and made["guid"] != collection["guid"]
    assert {r["collection"] for r in by_tool.values()} == {made["guid"]}
    assert stats["orphaned_images"]["count"] == kept_stats.orphaned_images.count  # the kept run
    qtbot.waitUntil(lambda: context.store.counts()["pending"] == 0, timeout=WAIT)

    # A new identity on the new coordinator; the old agent key is no longer kept or used.
    new = context.identity()
    assert new.server_url == base and new.agent_guid != old.agent_guid
    assert context.keys.get(AGENT_KEY) not in (None, old_key)
    assert [agent["guid"] for agent in agents] == [new.agent_guid]
    qtbot.waitUntil(lambda: app.tray.status.state is AgentState.IDLE, timeout=WAIT)
    assert app.settings_view.mode.text() == "solo mode (this computer alone)"
    assert base not in app.settings_view.server.text()  # solo mode shows no address
