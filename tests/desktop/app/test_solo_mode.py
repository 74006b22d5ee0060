"""Solo mode from an empty home, with real processes: the app starts its own coordinator,
registers this computer, a folder of real files becomes a collection, the tray's "run all"
runs every tool through the agent runtime inside the app, the results' KPIs appear in the
Overview, and a file lost between two runs shows as the collection getting worse."""

from __future__ import annotations

import gc
import json
import stat
from pathlib import Path

from pytestqt.qtbot import QtBot

from shuttersense.common.demo import DEMO_PIPELINE, build_demo
from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.app.services.agent_control import AgentState
from shuttersense.desktop.app.services.solo import SOLO_PASSWORD
from shuttersense.desktop.app.settings import AppSettings
from tests.desktop.app.app_factory import MakeApp, next_and_wait
from tests.desktop.app.solo_app import results, solo_app, user_api

WAIT = 90_000  # ms: processes start, analyses run, on a busy machine


def test_solo_mode_from_an_empty_home_to_results_and_their_trend(
    qtbot: QtBot,
    context: AgentContext,
    app_settings: AppSettings,
    make_app: MakeApp,
    tmp_path: Path,
) -> None:
    parts = solo_app(make_app, context, agent_poll_ms=200)
    app = parts.app
    assert app is not None
    app.start()
    window = app.first_run
    assert window is not None and window.mode_page.solo.isChecked()  # the default choice
    next_and_wait(qtbot, window, WAIT)  # the coordinator, the local user, the registration
    assert window.error.text() == ""
    assert window.current_page() == "folders"
    base = parts.coordinator.url
    assert base is not None and base.startswith("http://127.0.0.1:")
    identity = context.config.identity
    assert identity is not None and identity.server_url == base

    demo = build_demo(tmp_path / "demo")
    with user_api(context, base) as api:  # a default pipeline: every tool applies
        made = api.post("/api/pipelines/import", json={"text": DEMO_PIPELINE})
        assert made.status_code == 201, made.text
        assert api.post(f"/api/pipelines/{made.json()['guid']}/default").status_code == 200
    window.folders_page.add(demo.collection)
    next_and_wait(qtbot, window, WAIT)
    assert window.current_page() == "done"
    said = window.done_page.intro.text()
    assert "solo mode" in said and base not in said and "@" not in said  # no port, no user
    next_and_wait(qtbot, window, WAIT)
    assert app_settings.solo()

    qtbot.waitUntil(lambda: app.tray.status.state is AgentState.IDLE, timeout=WAIT)
    app.tray.run_all_action.trigger()
    qtbot.waitUntil(lambda: len(results(context, base)) == 3, timeout=WAIT)
    app.refresh()
    view = app.overview
    qtbot.waitUntil(lambda: view.recent_model.rowCount() == 3, timeout=WAIT)
    rows = {view.recent_model.row(i).tool: view.recent_model.row(i) for i in range(3)}
    assert set(rows) == {"photostats", "photo_pairing", "pipeline_validation"}
    orphans = rows["photostats"].issues_found
    assert view.collections.value.text() == "1"
    assert view.files.value.text() not in ("—", "0")

    lost = next(
        xmp for xmp in sorted(demo.collection.rglob("*.xmp")) if xmp.with_suffix(".CR3").exists()
    )
    lost.unlink()  # its RAW file is an orphan now
    app.tray.run_all_action.trigger()
    qtbot.waitUntil(lambda: len(results(context, base)) == 6, timeout=WAIT)
    app.refresh()
    qtbot.waitUntil(lambda: view.worse_model.rowCount() > 0, timeout=WAIT)
    worse = [view.worse_model.row(i) for i in range(view.worse_model.rowCount())]
    photostats = next(item for item in worse if item.tool == "photostats")
    assert (photostats.before, photostats.after) == (orphans, orphans + 1)

    # What solo mode keeps: secrets made once, readable by this user only; the local user's
    # password in the key store, not in any file in the clear; the coordinator's log with the
    # app's.
    folder = context.dirs.data / "coordinator"
    secrets = folder / "secrets.json"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    password = context.keys.get(SOLO_PASSWORD)
    assert password
    for kept in (*folder.iterdir(), *context.dirs.config.iterdir()):
        if kept.is_file():
            assert password.encode() not in kept.read_bytes(), kept
    assert (context.dirs.logs / "coordinator.log").is_file()
    assert json.loads((folder / "solo.json").read_text())["port"] == int(base.rsplit(":", 1)[1])
    # The analyses and the coordinator ran in their own processes: none of their process-wide
    # switches (the collector paused, gc.freeze) reached the app's.
    assert gc.isenabled() and gc.get_freeze_count() == 0
