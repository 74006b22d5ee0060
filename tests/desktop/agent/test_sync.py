"""Sending kept results: what is removed, dropped, set aside or kept for the next pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from shuttersense.common.agent_protocol import OfflineResult
from shuttersense.common.protocol import result_signature
from shuttersense.desktop.agent.client import CoordinatorClient
from shuttersense.desktop.agent.errors import AuthRefused
from shuttersense.desktop.agent.offline_store import OfflineStore
from shuttersense.desktop.agent.sync import SyncReport, deliver, sync_pending
from tests.desktop.fake_coordinator import FakeCoordinator, audit_claim, make_claim

RESULT = {"tool": "photostats", "total_files": 3}
HASH = "a" * 64


def keep_job(fake: FakeCoordinator, store: OfflineStore, number: int) -> str:
    """A job the coordinator handed out, and its signed completion kept in the store."""
    claim = make_claim("/photos", number=number)
    fake.hand_out(claim)
    signature = result_signature(claim["claim_secret"], claim["job_guid"], HASH, RESULT)
    body = {"result": RESULT, "input_state_hash": HASH, "signature": signature}
    store.add_job_result("complete", claim["job_guid"], claim["claim_token"], "photostats", body)
    return claim["job_guid"]


def keep_upload(store: OfflineStore, collection_guid: str | None, root: str = "/p/2024") -> str:
    body = {"result": RESULT, "input_state_hash": HASH}
    return store.add_local_result(
        "photostats", body, collection_guid=collection_guid, root_path=root, collection_name="2024"
    )


def test_nothing_kept_is_an_empty_pass(client: CoordinatorClient, store: OfflineStore) -> None:
    assert sync_pending(client, store) == SyncReport()


def test_sent_results_are_removed(
    fake: FakeCoordinator, client: CoordinatorClient, store: OfflineStore
) -> None:
    first = keep_job(fake, store, 1)
    second = keep_job(fake, store, 2)
    fake.hand_out(make_claim("/photos", number=3))
    store.add_job_result(
        "no-change",
        "job_0003",
        "tok_secret_3",
        "photostats",
        {"input_state_hash": HASH, "source_result_guid": "res_1"},
    )
    assert sync_pending(client, store) == SyncReport(sent=3)
    assert store.counts() == {"pending": 0, "rejected": 0}
    assert fake.ended == {first: "completed", second: "completed", "job_0003": "no_change"}
    assert fake.accepted[first]["claim_token"] == "tok_secret_1"
    assert fake.accepted["job_0003"]["source_result_guid"] == "res_1"


def test_a_superseded_claim_is_dropped(
    fake: FakeCoordinator, client: CoordinatorClient, store: OfflineStore
) -> None:
    lost = keep_job(fake, store, 1)
    kept = keep_job(fake, store, 2)
    fake.fail_next("complete", 409)
    assert sync_pending(client, store) == SyncReport(sent=1, dropped=1)
    assert store.counts() == {"pending": 0, "rejected": 0}
    assert lost not in fake.ended
    assert fake.ended[kept] == "completed"


def test_a_refused_result_is_set_aside_with_its_reason(
    fake: FakeCoordinator, client: CoordinatorClient, store: OfflineStore
) -> None:
    keep_job(fake, store, 1)
    after = keep_job(fake, store, 2)
    fake.fail_next("complete", 422)
    assert sync_pending(client, store) == SyncReport(sent=1, rejected=1)
    assert store.counts() == {"pending": 0, "rejected": 1}
    assert fake.ended == {after: "completed"}
    assert sync_pending(client, store) == SyncReport()  # never sent again


def test_an_unreachable_coordinator_stops_the_pass_and_keeps_the_rest(
    fake: FakeCoordinator, client: CoordinatorClient, store: OfflineStore
) -> None:
    first = keep_job(fake, store, 1)
    second = keep_job(fake, store, 2)
    third = keep_job(fake, store, 3)
    fake.fail_next("complete", "down")
    report = sync_pending(client, store)
    assert report.sent == 0
    assert report.remaining == 3
    assert "cannot reach the coordinator" in (report.unreachable or "")
    assert len(fake.calls_to("complete")) == 1  # the others were not even tried
    pending = store.pending()
    assert [item.job_guid for item in pending] == [first, second, third]
    assert "cannot reach" in (pending[0].last_error or "")
    assert sync_pending(client, store) == SyncReport(sent=3)
    assert store.counts()["pending"] == 0


def test_a_failing_coordinator_in_the_middle_keeps_what_is_left(
    fake: FakeCoordinator, client: CoordinatorClient, store: OfflineStore
) -> None:
    first = keep_job(fake, store, 1)
    second = keep_job(fake, store, 2)
    fake.fail_next("complete", None, 503)
    report = sync_pending(client, store)
    assert (report.sent, report.remaining) == (1, 1)
    assert list(fake.ended) == [first]
    assert [item.job_guid for item in store.pending()] == [second]


def test_auth_refused_propagates_and_keeps_everything(
    fake: FakeCoordinator, client: CoordinatorClient, store: OfflineStore
) -> None:
    keep_job(fake, store, 1)
    fake.fail_next("complete", 401)
    with pytest.raises(AuthRefused):
        sync_pending(client, store)
    assert store.counts() == {"pending": 1, "rejected": 0}


def test_an_upload_to_a_known_collection(
    fake: FakeCoordinator, client: CoordinatorClient, store: OfflineStore
) -> None:
    fake.collections.append({"guid": "col_0001", "name": "2024", "root_path": "/p/2024"})
    key = keep_upload(store, "col_0001")
    assert sync_pending(client, store) == SyncReport(sent=1)
    assert fake.results == {
        key: {
            "idempotency_key": key,
            "collection_guid": "col_0001",
            "result": RESULT,
            "input_state_hash": HASH,
        }
    }
    assert fake.calls_to("collections") == []


def test_an_upload_without_collection_creates_it_first(
    fake: FakeCoordinator, client: CoordinatorClient, store: OfflineStore
) -> None:
    first = keep_upload(store, None)
    second = keep_upload(store, None)
    assert sync_pending(client, store) == SyncReport(sent=2)
    assert fake.collections == [
        {"guid": "col_0001", "name": "2024", "root_path": "/p/2024", "pipeline_guid": None}
    ]
    assert {body["collection_guid"] for body in fake.results.values()} == {"col_0001"}
    assert set(fake.results) == {first, second}
    creates = [call for call in fake.calls_to("collections") if call.method == "POST"]
    assert len(creates) == 1  # the second result found the collection the first one made


def test_a_name_clash_retries_with_a_qualified_name(
    fake: FakeCoordinator, client: CoordinatorClient, store: OfflineStore
) -> None:
    fake.collections.append({"guid": "col_0001", "name": "2024", "root_path": "/q/2024"})
    keep_upload(store, None, root="/p/2024")
    assert sync_pending(client, store) == SyncReport(sent=1)
    made = fake.collections[-1]
    assert (made["name"], made["root_path"]) == ("2024 (/p)", "/p/2024")
    [body] = fake.results.values()
    assert body["collection_guid"] == made["guid"]


def test_an_upload_sent_twice_is_stored_once(
    fake: FakeCoordinator, client: CoordinatorClient, store: OfflineStore
) -> None:
    fake.collections.append({"guid": "col_0001", "name": "2024", "root_path": "/p/2024"})
    key = keep_upload(store, "col_0001")
    [item] = store.pending()
    sent = {"idempotency_key": key, "collection_guid": "col_0001", **item.body}
    client.upload_result(OfflineResult.model_validate(sent))
    assert sync_pending(client, store) == SyncReport(sent=1)  # killed before forgetting it
    assert list(fake.results) == [key]
    assert store.counts()["pending"] == 0


def test_an_upload_whose_names_are_all_taken_is_kept_not_dropped(
    fake: FakeCoordinator, client: CoordinatorClient, store: OfflineStore
) -> None:
    fake.collections.append({"guid": "col_0001", "name": "2024", "root_path": "/q/2024"})
    fake.collections.append({"guid": "col_0002", "name": "2024 (/p)", "root_path": "/r/2024"})
    keep_upload(store, None, root="/p/2024")
    assert sync_pending(client, store) == SyncReport(rejected=1)
    assert store.counts() == {"pending": 0, "rejected": 1}
    assert fake.results == {}


def test_an_upload_to_a_collection_that_is_gone_is_set_aside(
    fake: FakeCoordinator, client: CoordinatorClient, store: OfflineStore
) -> None:
    keep_upload(store, "col_0404")
    assert sync_pending(client, store) == SyncReport(rejected=1)
    assert store.counts()["rejected"] == 1


def test_a_result_whose_token_cannot_be_read_is_set_aside(
    fake: FakeCoordinator, client: CoordinatorClient, tmp_path: Path
) -> None:
    path = tmp_path / "reset.db"
    before = OfflineStore(path, Fernet.generate_key())
    keep_job(fake, before, 1)
    before.close()
    store = OfflineStore(path, Fernet.generate_key())
    try:
        assert sync_pending(client, store) == SyncReport(rejected=1)
        assert store.counts() == {"pending": 0, "rejected": 1}
        assert fake.calls_to("complete") == []
    finally:
        store.close()


def test_results_kept_for_the_old_coordinator_go_to_the_new_one_as_their_folders_results(
    fake: FakeCoordinator, client: CoordinatorClient, store: OfflineStore
) -> None:
    """Solo mode to a team (or back): a job's kept result becomes a result of its folder on the
    new coordinator; a no-change, which names a result only the old one has, goes."""
    result = {"result": {"tool": "photostats"}, "input_state_hash": "a" * 64, "signature": "b" * 64}
    store.add_job_result(
        "complete",
        "job_old",
        "tok",
        "photostats",
        result,
        root_path="/p/2024",
        collection_name="2024",
    )
    unchanged = {"input_state_hash": "a" * 64, "source_result_guid": "res_old"}
    store.add_job_result(
        "no-change",
        "job_2",
        "tok",
        "photostats",
        unchanged,
        root_path="/p/2024",
        collection_name="2024",
    )
    assert store.move_to_new_coordinator() == 1
    assert store.kept_jobs() == []  # no job of the old coordinator is named to the new one
    assert sync_pending(client, store) == SyncReport(sent=1)
    [sent] = fake.results.values()
    assert sent["collection_guid"] == fake.collections[0]["guid"]
    assert fake.collections[0]["root_path"] == "/p/2024"
    assert sent["result"] == {"tool": "photostats"} and "signature" not in sent
    assert fake.calls_to("complete") == fake.calls_to("no-change") == []


def keep_audit(fake: FakeCoordinator, store: OfflineStore, *, forge: str = "") -> list[str]:
    """An audit of two jobs the coordinator handed out, their signed outcomes kept together;
    the job `forge` gets a signature made with another secret."""
    claim = audit_claim(make_claim("/photos", number=1), make_claim("/photos", number=2))
    fake.hand_out(claim)
    outcomes = []
    for job in claim["jobs"]:
        secret = "not the claim's" if job["job_guid"] == forge else claim["claim_secret"]
        signature = result_signature(secret, job["job_guid"], HASH, RESULT)
        outcomes.append(
            {
                "kind": "complete",
                "job_guid": job["job_guid"],
                "result": RESULT,
                "input_state_hash": HASH,
                "signature": signature,
            }
        )
    store.add_audit_outcomes(
        claim["audit_guid"],
        claim["claim_token"],
        "col_0001",
        [(job["tool"], outcome) for job, outcome in zip(claim["jobs"], outcomes, strict=True)],
        root_path="/photos",
        collection_name="Photos",
    )
    return [job["job_guid"] for job in claim["jobs"]]


def test_an_audit_s_outcomes_are_sent_in_one_request_and_removed(
    fake: FakeCoordinator, client: CoordinatorClient, store: OfflineStore
) -> None:
    jobs = keep_audit(fake, store)
    assert store.kept_jobs() == jobs
    assert sync_pending(client, store) == SyncReport(sent=1)
    assert [call.path for call in fake.calls] == ["/audits/adt_0001/complete"]
    assert fake.ended == dict.fromkeys(jobs, "completed")
    assert store.counts() == {"pending": 0, "rejected": 0} and store.kept_jobs() == []


def test_an_audit_outcome_refused_for_good_sets_the_audit_aside_naming_the_job(
    fake: FakeCoordinator, client: CoordinatorClient, store: OfflineStore
) -> None:
    good, forged = keep_audit(fake, store, forge="job_0002")
    [key] = store.pending_keys()
    delivery = deliver(client, store, key)
    assert (delivery.state, delivery.refused) == ("rejected", (forged,))
    assert "signature" in delivery.error
    assert fake.ended == {good: "completed"}  # taken on its own
    assert store.counts() == {"pending": 0, "rejected": 1}  # kept for inspection, not resent
    assert store.kept_jobs() == []


def test_an_audit_whose_jobs_went_elsewhere_is_dropped_quietly(
    fake: FakeCoordinator, client: CoordinatorClient, store: OfflineStore
) -> None:
    first, second = keep_audit(fake, store)
    fake.ended[first] = "given to another run"
    assert sync_pending(client, store) == SyncReport(sent=1)
    assert fake.ended[second] == "completed"
    assert store.counts() == {"pending": 0, "rejected": 0}


def test_kept_audit_outcomes_follow_a_new_registration_as_their_folder_s_results(
    fake: FakeCoordinator, client: CoordinatorClient, store: OfflineStore
) -> None:
    """An audit's results kept for the old coordinator become results of its folder on the new
    one, one upload per tool; its no-change and its failure go with the old coordinator."""
    claim = audit_claim(
        make_claim("/p/2024", "photostats", number=1),
        make_claim("/p/2024", "photo_pairing", number=2),
        make_claim("/p/2024", "pipeline_validation", number=3),
        make_claim("/p/2024", "photostats", number=4),
    )
    signed = {"result": RESULT, "input_state_hash": HASH, "signature": "b" * 64}
    unchanged = {"input_state_hash": HASH, "source_result_guid": "res_old"}
    outcomes = [
        {"kind": "complete", "job_guid": "job_0001", **signed},
        {"kind": "complete", "job_guid": "job_0002", **signed, "result": {"tool": "pairs"}},
        {"kind": "no_change", "job_guid": "job_0003", **unchanged},
        {"kind": "fail", "job_guid": "job_0004", "error": "gone", "retryable": False},
    ]
    store.add_audit_outcomes(
        claim["audit_guid"],
        claim["claim_token"],
        "col_old",
        [(job["tool"], outcome) for job, outcome in zip(claim["jobs"], outcomes, strict=True)],
        root_path="/p/2024",
        collection_name="2024",
    )
    assert store.move_to_new_coordinator() == 2
    assert store.kept_jobs() == []  # no job of the old coordinator is named to the new one
    assert sync_pending(client, store) == SyncReport(sent=2)
    sent = sorted(fake.results.values(), key=lambda body: json.dumps(body["result"]))
    assert [body["result"] for body in sent] == sorted([RESULT, {"tool": "pairs"}], key=json.dumps)
    assert all(body["collection_guid"] == fake.collections[0]["guid"] for body in sent)
    assert all("signature" not in body and body["input_state_hash"] == HASH for body in sent)
    assert fake.collections[0]["root_path"] == "/p/2024"
    assert fake.calls_to("complete") == fake.calls_to("no-change") == []
    assert store.counts() == {"pending": 0, "rejected": 0}
