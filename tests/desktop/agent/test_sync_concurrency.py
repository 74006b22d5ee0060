"""Two senders on one offline store: each result is sent by one of them, and counted once."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from shuttersense.desktop.agent.client import PREFIX, CoordinatorClient
from shuttersense.desktop.agent.offline_store import OfflineStore
from shuttersense.desktop.agent.sync import SyncReport, deliver, sync_pending
from tests.desktop.conftest import SERVER
from tests.desktop.fake_coordinator import AGENT_KEY, FakeCoordinator

RESULT = {"tool": "photostats", "total_files": 3}
BODY = {"result": RESULT, "input_state_hash": "a" * 64}


@pytest.fixture
def key() -> bytes:
    return Fernet.generate_key()


@pytest.fixture
def two_stores(tmp_path: Path, key: bytes) -> Iterator[tuple[OfflineStore, OfflineStore]]:
    """Two processes' views of one agent.db: separate connections to the same file."""
    first = OfflineStore(tmp_path / "data" / "agent.db", key)
    second = OfflineStore(tmp_path / "data" / "agent.db", key)
    yield first, second
    first.close()
    second.close()


def keep_uploads(store: OfflineStore, count: int) -> list[str]:
    return [
        store.add_local_result(
            "photostats", BODY, collection_guid="col_0001", root_path="/p", collection_name="p"
        )
        for _ in range(count)
    ]


def test_two_syncs_at_once_each_count_only_what_they_sent(
    fake: FakeCoordinator, two_stores: tuple[OfflineStore, OfflineStore]
) -> None:
    fake.collections.append({"guid": "col_0001", "name": "p", "root_path": "/p"})
    first_store, second_store = two_stores
    keys = keep_uploads(first_store, 3)
    first_is_sending = threading.Event()
    second_is_done = threading.Event()

    def first_transport(request: httpx.Request) -> httpx.Response:
        """The first sync's upload of its first result waits until the second sync is done."""
        if request.url.path == f"{PREFIX}/results" and not first_is_sending.is_set():
            first_is_sending.set()
            assert second_is_done.wait(30), "the second sync never finished"
        return fake.handle(request)

    reports: list[SyncReport] = []

    def first_sync() -> None:
        transport = httpx.MockTransport(first_transport)
        with CoordinatorClient(SERVER, AGENT_KEY, transport=transport) as client:
            reports.append(sync_pending(client, first_store))

    thread = threading.Thread(target=first_sync)
    thread.start()
    try:
        assert first_is_sending.wait(30), "the first sync never sent anything"
        with CoordinatorClient(SERVER, AGENT_KEY, transport=fake.transport) as client:
            second = sync_pending(client, second_store)
    finally:
        second_is_done.set()
        thread.join(30)
    [first] = reports
    assert first == SyncReport(sent=1)  # the one it was sending when the second sync ran
    assert second == SyncReport(sent=2)  # the others, not the one the first sync held
    assert sorted(call.body["idempotency_key"] for call in fake.calls_to("results")) == sorted(keys)
    assert set(fake.results) == set(keys)
    assert first_store.counts() == {"pending": 0, "rejected": 0}


def test_a_result_being_sent_is_not_handed_to_another_sender(
    two_stores: tuple[OfflineStore, OfflineStore],
) -> None:
    first_store, second_store = two_stores
    [key] = keep_uploads(first_store, 1)
    with first_store.sending(key) as held:
        assert held is not None and held.key == key
        with second_store.sending(key) as other:
            assert other is None
        with first_store.sending(key) as again:  # nor to another thread of the same process
            assert again is None
    with second_store.sending(key) as later:  # not settled: the next sender may take it
        assert later is not None
        second_store.remove(key)
    with first_store.sending(key) as gone:
        assert gone is None
    assert list((first_store.path.parent / "sending").iterdir()) == []


def test_a_result_that_someone_else_settled_is_taken(
    fake: FakeCoordinator, two_stores: tuple[OfflineStore, OfflineStore], client: CoordinatorClient
) -> None:
    fake.collections.append({"guid": "col_0001", "name": "p", "root_path": "/p"})
    first_store, second_store = two_stores
    [key] = keep_uploads(first_store, 1)
    assert deliver(client, first_store, key).state == "sent"
    assert deliver(client, second_store, key).state == "taken"
    assert len(fake.calls_to("results")) == 1


_HOLDER = """
import sys
from pathlib import Path
from shuttersense.desktop.agent.offline_store import OfflineStore

store = OfflineStore(Path(sys.argv[1]), sys.argv[2].encode())
with store.sending(sys.argv[3]) as held:
    print("held" if held else "not held", flush=True)
    sys.stdin.read()
"""


def test_a_sender_that_dies_leaves_the_result_to_the_next(
    two_stores: tuple[OfflineStore, OfflineStore], key: bytes
) -> None:
    store, _ = two_stores
    [kept] = keep_uploads(store, 1)
    with subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(store.path), key.decode(), kept],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline() == "held\n"
            with store.sending(kept) as item:
                assert item is None
        finally:
            holder.kill()  # dies holding the lock
            holder.wait(30)
    with store.sending(kept) as item:
        assert item is not None and item.key == kept
