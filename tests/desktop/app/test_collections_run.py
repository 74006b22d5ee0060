"""From the Collections view, end to end (both databases): a folder of real files added as a
collection, all tools run on it by a real `shuttersense-agent start` process that is this
machine's agent (the app's own folders), the KPIs shown as the jobs end, and the orphans trend
moving after a second run with a sidecar deleted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.agent.credentials import ENV_KEY_STORE
from shuttersense.desktop.agent.locations import APP_NAME, AgentDirs
from shuttersense.desktop.app.views.collections_view import CollectionsView
from tests.desktop.app.app_factory import SignedInView
from tests.desktop.conftest import write_tree
from tests.helpers.agent_process import AgentHome
from tests.helpers.samples import FAMILY

WAIT = 90_000  # three jobs by a real agent process, twice, on a machine shared with others


@pytest.fixture
def machine(tmp_path: Path) -> Iterator[AgentHome]:
    home = AgentHome(tmp_path / "machine")
    try:
        yield home
    finally:
        home.stop_all()


@pytest.fixture
def agent_dirs(machine: AgentHome, monkeypatch: pytest.MonkeyPatch) -> AgentDirs:
    """The folders `shuttersense-agent` finds in the machine's XDG folders: the app and the
    agent process are one agent."""
    monkeypatch.setenv(ENV_KEY_STORE, "file")
    base = machine.base
    return AgentDirs(
        config=base / "config" / APP_NAME,
        data=base / "data" / APP_NAME,
        logs=base / "state" / APP_NAME / "log",
    )


def collection_row(view: CollectionsView, name: str) -> int | None:
    return next((i for i, row in enumerate(view.model.rows()) if row.collection.name == name), None)


def test_add_a_folder_and_run_all_tools(
    qtbot: QtBot,
    context: AgentContext,
    machine: AgentHome,
    tmp_path: Path,
    signed_in_view: SignedInView,
) -> None:
    _, view = signed_in_view("collections", CollectionsView, lambda v: v.model.rowCount() == 1)

    folder = write_tree(tmp_path / "Portraits", FAMILY)
    view.add_folder(folder)
    qtbot.waitUntil(lambda: collection_row(view, "Portraits") is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: view.detail.title.text() == "Portraits", timeout=WAIT)
    assert str(folder.resolve()) in context.config.roots
    boxes = view.detail.boxes
    assert all(box.result_guid is None for box in boxes.values())  # not run yet

    machine.start()
    with qtbot.waitSignal(view.jobs_queued, timeout=WAIT) as queued:
        view.run_button.click()  # all tools that apply: the team has a default pipeline
    jobs = queued.args[0]
    assert sorted(job.tool for job in jobs) == [
        "photo_pairing",
        "photostats",
        "pipeline_validation",
    ]
    audits = {job.audit for job in jobs}
    assert len(audits) == 1 and None not in audits  # one audit: one listing, one delivery
    qtbot.waitUntil(
        lambda: all(box.result_guid is not None for box in boxes.values()), timeout=WAIT
    )
    stats = boxes["photostats"]
    assert stats.kpi("Files") == "7"
    assert stats.kpi("Sidecars without image") == "1"  # AB3D0003.xmp
    assert boxes["photo_pairing"].kpi("Invalid names") == "1"  # IMG_0004.CR3
    orphans = view.detail.charts[0]
    before = orphans.latest()
    assert before is not None

    (folder / "2024" / "AB3D0002.xmp").unlink()  # AB3D0002.CR3 loses its sidecar
    first_guid = stats.result_guid
    with qtbot.waitSignal(view.jobs_queued, timeout=WAIT) as queued:
        view.run_tools(["photostats"])
    [job] = queued.args[0]
    assert job.tool == "photostats" and job.audit not in audits  # an audit of its own
    qtbot.waitUntil(lambda: stats.result_guid != first_guid, timeout=WAIT)
    qtbot.waitUntil(lambda: orphans.latest() == before + 1, timeout=WAIT)
    assert stats.kpi("Images without sidecar") == "2"
    row = collection_row(view, "Portraits")
    assert row is not None and view.model.index(row, 4).data() == f"{before + 1:,.0f}"
