"""The Collections view reads again once for jobs that end together, and one collection's detail
one load at a time (a 1M-file collection's findings take a worker a quarter of a second), against
a real coordinator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.app.settings import AppSettings
from shuttersense.desktop.app.views import collections_view
from shuttersense.desktop.app.views.collections_view import CollectionsView
from tests.desktop.app.app_factory import MakeApp, open_view
from tests.desktop.app.studio import Studio
from tests.desktop.app.team_server import TeamServer

WAIT = 30_000


def test_jobs_ending_together_read_the_collection_once(
    qtbot: QtBot,
    context: AgentContext,
    app_settings: AppSettings,
    team_server: TeamServer,
    tmp_path: Path,
    make_app: MakeApp,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    studio = Studio(context, team_server, tmp_path / "demo")
    studio.analyse()
    studio.sign_in_app(app_settings)
    _, view = open_view(
        qtbot,
        make_app,
        "collections",
        CollectionsView,
        lambda v: v.detail.boxes["photostats"].result_guid is not None and not v.busy(),
    )
    asked: list[str] = []
    real_list, real_detail = collections_view.load_collections, collections_view.load_detail

    def counted_list(client: Any) -> Any:
        asked.append("list")
        return real_list(client)

    def counted_detail(client: Any, guid: str) -> Any:
        asked.append("detail")
        return real_detail(client, guid)

    monkeypatch.setattr(collections_view, "load_collections", counted_list)
    monkeypatch.setattr(collections_view, "load_detail", counted_detail)

    for _ in range(3):  # an audit's three tools
        view.job_ended()
    qtbot.waitUntil(lambda: len(asked) >= 2 and not view.busy(), timeout=WAIT)
    qtbot.wait(2 * collections_view.ENDED_REFRESH_MS)
    assert asked == ["list", "detail"]

    # asked again while a load of the same collection is under way: one more, after it
    asked.clear()
    guid = studio.collection["guid"]
    view.select(guid)
    view.select(guid)
    view.select(guid)
    qtbot.waitUntil(lambda: asked == ["detail", "detail"] and not view.busy(), timeout=WAIT)
    assert view.detail.boxes["photostats"].result_guid is not None
