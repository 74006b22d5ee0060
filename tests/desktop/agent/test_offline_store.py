"""The offline store: kept results, their states, cached answers, sealed claim tokens."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from shuttersense.desktop.agent.errors import AgentError
from shuttersense.desktop.agent.offline_store import OfflineStore


def _rows(path: Path, query: str) -> list[tuple]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute(query).fetchall()


BODY = {"result": {"tool": "photostats", "total_files": 3}, "input_state_hash": "a" * 64}


def test_a_job_result_is_kept_until_removed(store: OfflineStore) -> None:
    key = store.add_job_result("complete", "job_1", "tok_abc", "photostats", BODY)
    [kept] = store.pending()
    assert kept.key == key
    assert (kept.kind, kept.job_guid, kept.claim_token, kept.tool) == (
        "complete",
        "job_1",
        "tok_abc",
        "photostats",
    )
    assert kept.body == BODY
    assert kept.collection_guid is None
    assert store.counts() == {"pending": 1, "rejected": 0}
    store.remove(key)
    assert store.pending() == []
    assert store.counts() == {"pending": 0, "rejected": 0}


def test_pending_is_oldest_first(store: OfflineStore) -> None:
    first = store.add_job_result("no-change", "job_1", "t1", "photostats", BODY)
    second = store.add_local_result(
        "photo_pairing", BODY, collection_guid=None, root_path="/p", collection_name="p"
    )
    third = store.add_job_result("complete", "job_2", "t2", "photostats", BODY)
    assert [item.key for item in store.pending()] == [first, second, third]


def test_the_same_job_can_be_kept_twice_under_different_keys(store: OfflineStore) -> None:
    one = store.add_job_result("complete", "job_1", "t1", "photostats", BODY)
    two = store.add_job_result("complete", "job_1", "t2", "photostats", BODY)
    assert one != two
    assert [item.claim_token for item in store.pending()] == ["t1", "t2"]


def test_a_rejected_result_is_kept_but_not_pending(store: OfflineStore) -> None:
    key = store.add_job_result("complete", "job_1", "tok", "photostats", BODY)
    store.note_error(key, "unreachable")
    assert store.pending()[0].last_error == "unreachable"
    store.reject(key, "the coordinator refused (422): bad result")
    assert store.pending() == []
    assert store.counts() == {"pending": 0, "rejected": 1}
    assert _rows(store.path, "SELECT state, last_error FROM pending") == [
        ("rejected", "the coordinator refused (422): bad result")
    ]


def test_set_collection_fills_only_results_of_that_folder_without_one(
    store: OfflineStore,
) -> None:
    mine = store.add_local_result(
        "photostats", BODY, collection_guid=None, root_path="/p/a", collection_name="a"
    )
    other = store.add_local_result(
        "photostats", BODY, collection_guid=None, root_path="/p/b", collection_name="b"
    )
    bound = store.add_local_result(
        "photostats", BODY, collection_guid="col_9", root_path="/p/a", collection_name="a"
    )
    store.set_collection("/p/a", "col_1")
    guids = {item.key: item.collection_guid for item in store.pending()}
    assert guids == {mine: "col_1", other: None, bound: "col_9"}
    [local] = [item for item in store.pending() if item.key == mine]
    assert (local.kind, local.root_path, local.collection_name, local.claim_token) == (
        "upload",
        "/p/a",
        "a",
        None,
    )


def test_cache_keeps_the_latest_value(store: OfflineStore) -> None:
    assert store.cache_get("config") is None
    store.cache_put("config", {"config": {"photo_extensions": [".cr3"]}})
    store.cache_put("config", {"config": {}})
    store.cache_put("collections", [{"guid": "col_1"}])
    assert store.cache_get("config") == {"config": {}}
    assert store.cache_get("collections") == [{"guid": "col_1"}]


def test_the_claim_token_is_not_stored_in_clear(store: OfflineStore) -> None:
    store.add_job_result("complete", "job_1", "tok_SENSITIVE_marker", "photostats", BODY)
    [(sealed,)] = _rows(store.path, "SELECT claim_token FROM pending")
    assert "tok_SENSITIVE_marker" not in sealed
    store.close()
    files = [p for p in store.path.parent.iterdir() if p.is_file()]
    assert files
    for file in files:  # the database and its WAL
        assert b"tok_SENSITIVE_marker" not in file.read_bytes()


def test_everything_survives_a_reopen(tmp_path: Path) -> None:
    key = Fernet.generate_key()
    path = tmp_path / "agent.db"
    first = OfflineStore(path, key)
    kept = first.add_job_result("complete", "job_1", "tok", "photostats", BODY)
    rejected = first.add_job_result("complete", "job_2", "tok2", "photostats", BODY)
    first.reject(rejected, "no")
    first.cache_put("config", {"x": 1})
    first.close()
    again = OfflineStore(path, key)
    try:
        assert [(item.key, item.claim_token) for item in again.pending()] == [(kept, "tok")]
        assert again.counts() == {"pending": 1, "rejected": 1}
        assert again.cache_get("config") == {"x": 1}
    finally:
        again.close()


def test_an_unusable_file_is_an_agent_error(tmp_path: Path) -> None:
    (tmp_path / "agent.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(AgentError, match="cannot open the offline store"):
        OfflineStore(tmp_path / "agent.db", Fernet.generate_key())


def test_a_token_sealed_with_a_lost_key_reads_as_none(tmp_path: Path) -> None:
    path = tmp_path / "agent.db"
    first = OfflineStore(path, Fernet.generate_key())
    first.add_job_result("complete", "job_1", "tok", "photostats", BODY)
    first.close()
    again = OfflineStore(path, Fernet.generate_key())  # the key store was reset
    try:
        [kept] = again.pending()
        assert (kept.job_guid, kept.claim_token, kept.body) == ("job_1", None, BODY)
    finally:
        again.close()


def test_kept_jobs_are_the_jobs_whose_result_waits_to_be_sent(store: OfflineStore) -> None:
    first = store.add_job_result("complete", "job_1", "tok_1", "photostats", BODY)
    store.add_job_result("no-change", "job_2", "tok_2", "photostats", BODY)
    store.add_job_result("complete", "job_2", "tok_2", "photo_pairing", BODY)  # named once
    refused = store.add_job_result("complete", "job_3", "tok_3", "photostats", BODY)
    store.add_local_result(
        "photostats", BODY, collection_guid=None, root_path="/p", collection_name="P"
    )
    store.reject(refused, "schema")
    assert store.kept_jobs() == ["job_1", "job_2"]  # oldest first; set aside and local runs not
    assert store.kept_jobs(limit=1) == ["job_1"]
    store.remove(first)
    assert store.kept_jobs() == ["job_2"]
