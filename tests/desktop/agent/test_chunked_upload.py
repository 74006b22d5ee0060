"""Large results travel in chunks to a real coordinator (SQLite and PostgreSQL) and are
stored exactly once, for a job's completion and for an offline result."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from shuttersense.common.protocol import result_signature
from shuttersense.common.results import FilesByFolder, PhotoStatsResult
from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.models import Job, Result, Upload
from shuttersense.coordinator.settings import Settings
from shuttersense.desktop.agent.chunked_upload import (
    CHUNKED_ABOVE,
    encoded,
    finish_timeout,
    send_in_chunks,
)
from shuttersense.desktop.agent.client import CoordinatorClient
from shuttersense.desktop.agent.offline_store import OfflineStore
from shuttersense.desktop.agent.sync import sync_pending
from tests.coordinator.factories import db, team_with_token
from tests.helpers.live_server import live_server

HASH = "d" * 64


def large_result() -> dict[str, Any]:
    """A PhotoStats result whose JSON is over the chunking threshold."""
    orphans = {
        f"2024/shoot-{n:05d}": [f"AB3D{n % 10000:04d}-edited-version.CR3"] for n in range(30000)
    }
    result = PhotoStatsResult(
        total_files=len(orphans),
        total_size=len(orphans),
        file_counts={".cr3": len(orphans)},
        storage_by_type={".cr3": len(orphans)},
        metadata_extensions=[".xmp"],
        paired_count=0,
        orphaned_images=FilesByFolder(count=len(orphans), by_folder=orphans),
        orphaned_sidecars=FilesByFolder(count=0, by_folder={}),
    ).model_dump(mode="json")
    assert len(encoded(result)) > CHUNKED_ABOVE
    return result


@pytest.fixture
def agent(settings: Settings, db_url: str) -> Iterator[CoordinatorClient]:
    token = team_with_token(db_url, "Studio")[1]
    with live_server(create_app(settings, sweep_interval=None)) as base:
        body = {"registration_token": token, "name": "big", "authorized_roots": ["/photos"]}
        registered = httpx.post(f"{base}/api/agent/v1/register", json=body)
        assert registered.status_code == 201, registered.text
        with CoordinatorClient(base, registered.json()["agent_key"]) as client:
            yield client


def uploads_finished(db_url: str) -> int:
    with db(db_url) as session:
        return session.scalar(
            select(func.count()).select_from(Upload).where(Upload.finished_at.is_not(None))
        )


def test_a_large_offline_result_goes_in_chunks_and_is_stored_once(
    agent: CoordinatorClient, store: OfflineStore, db_url: str
) -> None:
    collection = agent.create_collection("Big", "/photos/big")
    result = large_result()
    body = {"result": result, "input_state_hash": HASH}
    store.add_local_result(
        "photostats",
        body,
        collection_guid=collection["guid"],
        root_path="/photos/big",
        collection_name="Big",
    )
    assert sync_pending(agent, store).sent == 1
    assert sync_pending(agent, store).sent == 0
    assert uploads_finished(db_url) == 1
    with db(db_url) as session:
        [stored] = session.scalars(select(Result)).all()
        assert stored.results_json["orphaned_images"] == result["orphaned_images"]
        assert stored.input_state_hash == HASH


def test_a_large_job_result_completes_the_job_through_chunks(
    agent: CoordinatorClient, store: OfflineStore, db_url: str
) -> None:
    collection = agent.create_collection("Big", "/photos/big")
    with db(db_url) as session:
        from shuttersense.coordinator.models import Collection
        from shuttersense.coordinator.services.jobs import create_job

        owner = session.scalar(select(Collection).where(Collection.guid == collection["guid"]))
        guid = create_job(session, owner, "photostats").job.guid
        session.commit()
    claim = agent.claim_audit(0)  # an audit of one; a result kept by an older agent as a job's
    assert claim is not None and [job.job_guid for job in claim.jobs] == [guid]
    result = large_result()
    signature = result_signature(claim.claim_secret, guid, HASH, result)
    body = {"result": result, "input_state_hash": HASH, "signature": signature}
    store.add_job_result("complete", guid, claim.claim_token, "photostats", body)
    assert sync_pending(agent, store).sent == 1
    with db(db_url) as session:
        job = session.scalar(select(Job).where(Job.guid == guid))
        assert job.status == "completed"
        assert session.scalar(select(Result.job_id)) == job.id
    assert uploads_finished(db_url) == 1


def test_a_large_audit_sends_its_outcomes_in_one_chunked_upload(
    agent: CoordinatorClient, store: OfflineStore, db_url: str
) -> None:
    collection = agent.create_collection("Big", "/photos/big")
    with db(db_url) as session:
        from shuttersense.coordinator.models import Collection
        from shuttersense.coordinator.services.collection_audits import queue_audit

        owner = session.scalar(select(Collection).where(Collection.guid == collection["guid"]))
        queue_audit(session, owner, ["photostats", "photo_pairing"])
        session.commit()
    claim = agent.claim_audit(0)
    assert claim is not None
    photostats, pairing = claim.jobs
    assert (photostats.tool, pairing.tool) == ("photostats", "photo_pairing")
    result = large_result()
    signature = result_signature(claim.claim_secret, photostats.job_guid, HASH, result)
    outcomes = [
        {
            "kind": "complete",
            "job_guid": photostats.job_guid,
            "result": result,
            "input_state_hash": HASH,
            "signature": signature,
        },
        {"kind": "fail", "job_guid": pairing.job_guid, "error": "broken", "retryable": False},
    ]
    store.add_audit_outcomes(
        claim.audit_guid,
        claim.claim_token,
        None,
        list(zip(["photostats", "photo_pairing"], outcomes, strict=True)),
        root_path=None,
        collection_name=None,
    )
    assert store.kept_jobs() == [photostats.job_guid, pairing.job_guid]
    assert sync_pending(agent, store).sent == 1
    assert store.counts() == {"pending": 0, "rejected": 0} and store.kept_jobs() == []
    assert uploads_finished(db_url) == 1
    with db(db_url) as session:
        states = dict(session.execute(select(Job.tool, Job.status)).all())
        assert states == {"photostats": "completed", "photo_pairing": "failed"}
        stored = session.scalar(select(Result).where(Result.status == "COMPLETED"))
        assert stored.results_json["orphaned_images"] == result["orphaned_images"]


def test_many_small_chunks_make_the_same_result(agent: CoordinatorClient, db_url: str) -> None:
    collection = agent.create_collection("Big", "/photos/big")
    result = large_result()
    data = encoded(result)
    target = {"collection_guid": collection["guid"], "idempotency_key": "run-small-chunks"}
    size = len(data) // 7 + 1  # seven chunks, the last one shorter
    finished = send_in_chunks(agent, target, data, {"input_state_hash": HASH}, chunk_size=size)
    with db(db_url) as session:
        stored = session.scalar(select(Result).where(Result.guid == finished["result_guid"]))
        assert stored.results_json == result
        assert session.scalar(select(Upload.chunk_count)) == 7


def test_the_finish_of_a_large_upload_is_waited_for_longer() -> None:
    """The coordinator reads the whole document to finish: the agent waits in proportion."""
    waited: dict[str, float] = {}

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        waited[path.rsplit("/", 1)[-1]] = request.extensions["timeout"]["read"]
        if path.endswith("/uploads"):
            return httpx.Response(201, json={"upload_guid": "upl_1"})
        if "/chunks/" in path:
            return httpx.Response(204)
        return httpx.Response(200, json={"result_guid": "res_1", "created": True})

    client = CoordinatorClient(
        "http://coordinator.test", "key", transport=httpx.MockTransport(answer)
    )
    with client:
        size = 100 * 1024 * 1024
        data = b"x" * size
        target = {"collection_guid": "col_1", "idempotency_key": "k" * 8}
        assert send_in_chunks(client, target, data, {})["result_guid"] == "res_1"
    assert waited["0"] == 20.0  # a chunk: the usual wait
    assert waited["finish"] == finish_timeout(size) >= 20.0 + 25.0  # 100 MiB: 25 s more
