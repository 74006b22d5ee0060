"""Chunked upload of results, `/api/agent/v1/uploads`, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from shuttersense.common.protocol import result_signature
from shuttersense.coordinator.models import Job, Result, Upload, UploadChunk
from shuttersense.coordinator.models.base import utcnow
from shuttersense.coordinator.services.sweeper import sweep
from shuttersense.coordinator.services.uploads import MAX_CHUNK, MAX_OPEN, MAX_TOTAL
from tests.coordinator.factories import db, invalid
from tests.coordinator.test_agents_api import agent_headers, register
from tests.coordinator.test_job_protocol import HASH, photostats_result
from tests.coordinator.test_job_socket import Studio

API = "/api/agent/v1/uploads"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pieces(document: bytes, count: int) -> list[bytes]:
    size = -(-len(document) // count)
    return [document[i : i + size] for i in range(0, len(document), size)]


class Sender:
    """One agent's side of an upload: open, send chunks, finish."""

    def __init__(self, client: TestClient, agent: dict[str, str]) -> None:
        self.client = client
        self.agent = agent

    def open(self, document: bytes, count: int, **target: str) -> str:
        answer = self.client.post(
            API,
            json={**target, "total_size": len(document), "chunk_count": count},
            headers=self.agent,
        )
        assert answer.status_code == 201, answer.text
        return answer.json()["upload_guid"]

    def put(self, guid: str, position: int, data: bytes, digest: str | None = None) -> Any:
        return self.client.put(
            f"{API}/{guid}/chunks/{position}",
            content=data,
            headers={
                **self.agent,
                "Content-Type": "application/octet-stream",
                "X-Chunk-SHA256": digest or sha(data),
            },
        )

    def put_all(self, guid: str, document: bytes, count: int) -> None:
        for position, data in enumerate(pieces(document, count)):
            assert self.put(guid, position, data).status_code == 201

    def finish(self, guid: str, document: bytes, **fields: Any) -> Any:
        body = {"sha256": sha(document), "input_state_hash": HASH, **fields}
        return self.client.post(f"{API}/{guid}/finish", json=body, headers=self.agent)


def signed(claimed: dict[str, Any], result: dict[str, Any]) -> dict[str, str]:
    secret, guid = claimed["claim_secret"], claimed["job_guid"]
    return {
        "claim_token": claimed["claim_token"],
        "signature": result_signature(secret, guid, HASH, result),
    }


@pytest.fixture
def studio(client: TestClient, db_url: str) -> Studio:
    return Studio(client, db_url, "Studio")


@pytest.fixture
def sender(client: TestClient, studio: Studio) -> Sender:
    return Sender(client, studio.agent)


def job_upload(
    studio: Studio, sender: Sender, document: bytes, count: int, tool: str = "photostats"
) -> tuple[dict, str]:
    studio.job(tool)
    claimed = studio.claim()
    guid = sender.open(
        document, count, job_guid=claimed["job_guid"], claim_token=claimed["claim_token"]
    )
    return claimed, guid


def test_a_chunked_result_completes_the_job_like_a_direct_complete(
    studio: Studio, sender: Sender, db_url: str
) -> None:
    direct_job = studio.job()
    studio.complete(studio.claim())
    result = photostats_result()
    document = json.dumps(result).encode()
    claimed, guid = job_upload(studio, sender, document, 3)
    sender.put_all(guid, document, 3)
    finished = sender.finish(guid, document, **signed(claimed, result))
    assert finished.status_code == 200, finished.text
    assert finished.json()["job_guid"] == claimed["job_guid"]
    with db(db_url) as session:
        jobs = {j.guid: j for j in session.scalars(select(Job))}
        stored = {r.job_id: r for r in session.scalars(select(Result))}
        by_chunks = stored[jobs[claimed["job_guid"]].id]
        direct = stored[jobs[direct_job].id]
        fields = ("status", "results_json", "files_scanned", "issues_found", "input_state_hash")
        assert [getattr(by_chunks, f) for f in fields] == [getattr(direct, f) for f in fields]
        assert by_chunks.guid == finished.json()["result_guid"]
        assert jobs[claimed["job_guid"]].status == "completed"
        assert session.scalar(select(func.count()).select_from(UploadChunk)) == 0


def test_an_offline_result_by_chunks_keeps_its_idempotency_key(
    studio: Studio, sender: Sender
) -> None:
    result = photostats_result()
    document = json.dumps(result).encode()
    target = {"collection_guid": studio.collection, "idempotency_key": "offline-0001"}
    guid = sender.open(document, 2, **target)
    sender.put_all(guid, document, 2)
    finished = sender.finish(guid, document)
    assert finished.status_code == 200, finished.text
    assert finished.json()["job_guid"] is None
    again = studio.client.post(
        "/api/agent/v1/results",
        json={**target, "result": result, "input_state_hash": HASH},
        headers=studio.agent,
    )
    assert again.status_code == 200
    assert again.json() == {"result_guid": finished.json()["result_guid"], "created": False}


def test_chunks_are_checked_and_a_resent_chunk_is_harmless(studio: Studio, sender: Sender) -> None:
    result = photostats_result()
    document = json.dumps(result).encode()
    claimed, guid = job_upload(studio, sender, document, 2)
    first, second = pieces(document, 2)
    wrong = sender.put(guid, 0, first, digest=sha(b"something else"))
    assert "SHA-256" in invalid(wrong)
    assert sender.put(guid, 0, first).status_code == 201
    resent = sender.put(guid, 0, first)
    assert resent.status_code == 200 and resent.json() == {"position": 0, "stored": False}
    assert sender.put(guid, 0, second).status_code == 409  # position 0 holds other bytes
    assert sender.put(guid, 2, second).status_code == 422  # only positions 0 and 1
    missing = sender.finish(guid, document, **signed(claimed, result))
    assert missing.status_code == 409 and "missing: 1" in missing.json()["detail"]
    assert sender.put(guid, 1, second).status_code == 201
    mangled = sender.finish(guid, document + b" ", **signed(claimed, result))
    assert "SHA-256" in invalid(mangled)
    forged = sender.finish(guid, document, **signed({**claimed, "claim_secret": "x"}, result))
    assert forged.status_code == 403  # the same check as /complete; the upload stays open
    assert sender.finish(guid, document, **signed(claimed, result)).status_code == 200
    replayed = sender.finish(guid, document, **signed(claimed, result))
    assert replayed.status_code == 409 and "finished already" in replayed.json()["detail"]
    assert sender.put(guid, 1, second).status_code == 409


def test_an_invalid_document_is_refused_by_the_usual_checks(studio: Studio, sender: Sender) -> None:
    refused = ((b"{not json", "not JSON"), (b'{"tool": "photostats"}', "schema"))
    # The first job is left running: the second is of another tool, so it is a job of its own.
    for (document, problem), tool in zip(refused, ("photostats", "photo_pairing"), strict=True):
        claimed, guid = job_upload(studio, sender, document, 1, tool)
        sender.put_all(guid, document, 1)
        answer = sender.finish(guid, document, **signed(claimed, {"tool": "photostats"}))
        assert problem in invalid(answer)
    broken = b"[1, 2]"
    guid = sender.open(broken, 1, collection_guid=studio.collection, idempotency_key="k" * 8)
    sender.put_all(guid, broken, 1)
    answer = sender.finish(guid, broken)
    assert "not a JSON object" in invalid(answer)


def test_another_agent_cannot_touch_an_upload(
    client: TestClient, studio: Studio, sender: Sender
) -> None:
    document = json.dumps(photostats_result()).encode()
    _, guid = job_upload(studio, sender, document, 1)
    stranger = Sender(client, agent_headers(register(client, studio.user, "other-mac")))
    assert stranger.put(guid, 0, document).status_code == 404
    assert stranger.finish(guid, document).status_code == 404
    assert sender.put(guid, 0, document).status_code == 201  # the owner still can


def test_a_superseded_claim_can_no_longer_upload(
    studio: Studio, sender: Sender, db_url: str
) -> None:
    document = json.dumps(photostats_result()).encode()
    claimed, guid = job_upload(studio, sender, document, 1)
    with db(db_url) as session:
        session.execute(
            update(Job)
            .where(Job.guid == claimed["job_guid"])
            .values(lease_expires_at=utcnow() - timedelta(seconds=1))
        )
        session.commit()
        assert sweep(session)["requeued"] == 1
    assert sender.put(guid, 0, document).status_code == 201  # a late result is still wanted...
    assert studio.claim()["job_guid"] == claimed["job_guid"]  # ...until another run claims it
    answer = sender.put(guid, 0, document)
    assert answer.status_code == 409 and "superseded" in answer.json()["detail"]


def test_limits_and_targets_are_checked_when_opening(studio: Studio, sender: Sender) -> None:
    offline = {"collection_guid": studio.collection, "idempotency_key": "offline-key"}

    def opening(**body: Any) -> int:
        return sender.client.post(API, json=body, headers=sender.agent).status_code

    assert opening(total_size=10, chunk_count=1) == 422  # no target
    assert opening(total_size=10, chunk_count=1, job_guid="job_x", **offline) == 422
    assert opening(total_size=MAX_TOTAL + 1, chunk_count=100, **offline) == 422
    assert opening(total_size=100 * 2**20, chunk_count=2, **offline) == 422  # chunks too small
    assert opening(total_size=3, chunk_count=4, **offline) == 422  # an empty chunk
    for _ in range(MAX_OPEN):
        assert opening(total_size=10, chunk_count=1, **offline) == 201
    assert opening(total_size=10, chunk_count=1, **offline) == 409


def test_the_sweeper_deletes_expired_uploads(studio: Studio, sender: Sender, db_url: str) -> None:
    document = json.dumps(photostats_result()).encode()
    guid = sender.open(document, 1, collection_guid=studio.collection, idempotency_key="k" * 8)
    assert sender.put(guid, 0, document).status_code == 201
    with db(db_url) as session:
        session.execute(update(Upload).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
        assert sweep(session)["uploads"] == 1
        assert session.scalar(select(func.count()).select_from(UploadChunk)) == 0
    assert sender.finish(guid, document).status_code == 404


def test_a_result_larger_than_a_chunk_arrives_in_pieces(
    studio: Studio, sender: Sender, db_url: str
) -> None:
    result = photostats_result()
    names = [f"{n:08d}-long-enough-name.cr3" for n in range(200_000)]
    result["orphaned_images"] = {"count": len(names), "by_folder": {"2026/wedding": names}}
    document = json.dumps(result).encode()
    assert len(document) > MAX_CHUNK
    claimed, guid = job_upload(studio, sender, document, 2)
    too_big = sender.put(guid, 0, document)
    assert too_big.status_code == 413 and "5 MiB" in too_big.json()["detail"]
    sender.put_all(guid, document, 2)
    assert sender.finish(guid, document, **signed(claimed, result)).status_code == 200
    with db(db_url) as session:
        stored = session.scalar(select(Result.results_json))
        assert stored["orphaned_images"] == result["orphaned_images"]
