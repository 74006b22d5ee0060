"""The offline store: kept results, their states, cached answers, sealed claim tokens."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from shuttersense.desktop.agent.errors import AgentError
from shuttersense.desktop.agent.offline_schema import SCHEMA_VERSION
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


_BEFORE_VERSIONING = """
CREATE TABLE pending (key TEXT PRIMARY KEY, kind TEXT NOT NULL, job_guid TEXT,
    claim_token TEXT, collection_guid TEXT, root_path TEXT, collection_name TEXT,
    tool TEXT NOT NULL, body TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'pending',
    last_error TEXT, created_at TEXT NOT NULL);
CREATE TABLE cache (name TEXT PRIMARY KEY, value TEXT NOT NULL, fetched_at TEXT NOT NULL);
INSERT INTO pending (key, kind, root_path, collection_name, tool, body, created_at)
    VALUES ('run-old', 'upload', '/photos', 'Photos', 'photostats', '{"result": {}}',
    '2025-12-01T10:00:00+00:00');
"""


def test_a_store_made_before_versioning_keeps_its_results_and_is_stamped(tmp_path: Path) -> None:
    path = tmp_path / "agent.db"
    with closing(sqlite3.connect(path)) as old:
        old.executescript(_BEFORE_VERSIONING)
    store = OfflineStore(path, Fernet.generate_key())
    try:
        assert store.pending_keys() == ["run-old"]
        kept = store.get("run-old")
        assert kept is not None and kept.root_path == "/photos"
    finally:
        store.close()
    with closing(sqlite3.connect(path)) as reopened:
        assert reopened.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_store_of_an_audit_agent_made_before_versioning_keeps_its_audit_and_is_stamped(
    tmp_path: Path,
) -> None:
    """An agent that claimed audits but did not stamp its store kept an audit's outcomes as one
    `audit` row without the folder: it opens, is stamped, and the audit is still to be sent."""
    path, key = tmp_path / "agent.db", Fernet.generate_key()
    sealed = Fernet(key).encrypt(b"tok_audit").decode()
    outcome = {"kind": "fail", "job_guid": "job_1", "error": "gone", "retryable": False}
    body = json.dumps({"audit_guid": "adt_1", "jobs": ["job_1"], "outcomes": [outcome]})
    with closing(sqlite3.connect(path)) as old:
        old.executescript(_BEFORE_VERSIONING)
        old.execute(
            "INSERT INTO pending (key, kind, claim_token, collection_guid, tool, body, created_at)"
            " VALUES ('audit-adt_1', 'audit', ?, 'col_1', 'audit', ?, '2025-12-02T10:00:00+00:00')",
            (sealed, body),
        )
        old.commit()
    store = OfflineStore(path, key)
    try:
        assert store.pending_keys() == ["run-old", "audit-adt_1"]
        kept = store.get("audit-adt_1")
        assert kept is not None and kept.kind == "audit" and kept.claim_token == "tok_audit"
        assert kept.body["outcomes"] == [outcome]
        assert store.kept_jobs() == ["job_1"]
    finally:
        store.close()
    with closing(sqlite3.connect(path)) as reopened:
        assert reopened.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_new_store_carries_the_schema_version(tmp_path: Path) -> None:
    OfflineStore(tmp_path / "agent.db", Fernet.generate_key()).close()
    with closing(sqlite3.connect(tmp_path / "agent.db")) as made:
        assert made.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_store_from_a_newer_agent_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "agent.db"
    with closing(sqlite3.connect(path)) as newer:
        newer.executescript(_BEFORE_VERSIONING)
        newer.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(AgentError, match=r"newer ShutterSense .* update ShutterSense"):
        OfflineStore(path, Fernet.generate_key())
    with closing(sqlite3.connect(path)) as after:
        assert after.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert after.execute("SELECT count(*) FROM pending").fetchone()[0] == 1
