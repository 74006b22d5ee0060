"""Two `shuttersense-agent sync` processes at once on one agent's kept results."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select

from shuttersense.common.demo import build_demo
from shuttersense.coordinator.models import Result
from shuttersense.desktop.agent.credentials import FileKeyStore
from shuttersense.desktop.agent.offline_store import OfflineStore
from tests.coordinator.factories import db
from tests.helpers.agent_process import AgentHome

from .conftest import Coordinator, make_collection, registered

COPIES = 30  # kept results per process start-up: enough for the two passes to overlap


def test_two_syncs_at_once_report_together_what_was_uploaded(
    coordinator: Coordinator, agent_home: AgentHome, tmp_path: Path
) -> None:
    photos = tmp_path / "photos"
    build_demo(photos / "demo")
    registered(agent_home, coordinator, photos)
    folder = photos / "demo" / "collection"
    # Made first: two syncs creating the same new collection meet a coordinator race of its own
    # (an integrity error on SQLite instead of a 409), which is not what this test is about.
    make_collection(agent_home, folder, "Demo")
    ran = agent_home.cli("run", str(folder), "--offline", "--tools", "photostats,photo_pairing")
    assert ran.returncode == 0, ran.stderr
    # Many offline runs' worth of results, kept as `run --offline` keeps them.
    secret = FileKeyStore(agent_home.base / "config" / "shuttersense-agent").get(
        "offline_store_key"
    )
    assert secret is not None
    store = OfflineStore(
        agent_home.base / "data" / "shuttersense-agent" / "agent.db", secret.encode()
    )
    try:
        for item in store.pending():
            for _ in range(COPIES):
                store.add_local_result(
                    item.tool,
                    item.body,
                    collection_guid=item.collection_guid,
                    root_path=item.root_path or "",
                    collection_name=item.collection_name or "",
                )
        kept = store.counts()["pending"]
    finally:
        store.close()

    uploaded = 0
    with agent_home.launch("sync") as first, agent_home.launch("sync") as second:
        for sync in (first, second):
            out, err = sync.communicate(timeout=120)
            assert sync.returncode == 0, err
            [count] = re.findall(r"^uploaded (\d+) result\(s\)$", out, re.MULTILINE)
            uploaded += int(count)
    assert uploaded == kept
    assert "0 waiting for upload" in agent_home.cli("status").stdout
    with db(coordinator.db_url) as session:
        assert session.scalar(select(func.count()).select_from(Result)) == kept
    assert len(coordinator.api.get("/api/collections").json()) == 1
