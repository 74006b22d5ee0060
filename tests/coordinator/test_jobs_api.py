"""The user API for jobs, `/api/…/jobs`: run, list, cancel, retry, tenant isolation (both DBs)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from shuttersense.coordinator.ids import new_guid
from shuttersense.coordinator.models import Collection, Job, User
from shuttersense.coordinator.services.accounts import find_team
from shuttersense.coordinator.services.registration import create_registration_token
from tests.coordinator.factories import audit_actions, db, signed_in

AGENT_API = "/api/agent/v1"


def add_collection(url: str, email: str, name: str = "Weddings", root: str = "/photos") -> str:
    with db(url) as session:
        user = session.scalar(select(User).where(User.email == email))
        collection = Collection(
            guid=new_guid("col"), team_id=user.team_id, name=name, root_path=root
        )
        session.add(collection)
        session.commit()
        return collection.guid


def set_job(url: str, guid: str, **values: object) -> None:
    with db(url) as session:
        session.execute(update(Job).where(Job.guid == guid).values(**values))
        session.commit()


@pytest.fixture
def studio(client: TestClient, db_url: str) -> tuple[dict[str, str], str]:
    """An admin of team Studio (bearer headers) and one of its collections."""
    headers = signed_in(client, db_url, "admin@studio.example", "Studio")
    return headers, add_collection(db_url, "admin@studio.example")


def run(client: TestClient, headers: dict[str, str], collection: str, tool: str) -> dict:
    answer = client.post(
        f"/api/collections/{collection}/jobs", json={"tool": tool}, headers=headers
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_run_a_tool_on_a_collection(client: TestClient, db_url: str, studio: tuple) -> None:
    headers, collection = studio
    job = run(client, headers, collection, "photostats")
    assert job["guid"].startswith("job_") and job["status"] == "queued"
    assert (job["tool"], job["collection"], job["attempts"]) == ("photostats", collection, 0)
    assert job["progress"] == {} and job["error"] is None and job["created_at"]
    assert "id" not in job and "team_id" not in job
    assert audit_actions(db_url, job["guid"]) == ["job.created"]
    got = client.get(f"/api/jobs/{job['guid']}", headers=headers)
    assert got.status_code == 200 and got.json() == job


def test_unknown_tool_or_collection(client: TestClient, db_url: str, studio: tuple) -> None:
    headers, collection = studio
    bad = client.post(f"/api/collections/{collection}/jobs", json={"tool": "rm"}, headers=headers)
    assert bad.status_code == 422
    missing = client.post(
        f"/api/collections/{new_guid('col')}/jobs", json={"tool": "photostats"}, headers=headers
    )
    assert missing.status_code == 404
    assert client.get(f"/api/jobs/{new_guid('job')}", headers=headers).status_code == 404


def test_list_is_newest_first_and_filters(client: TestClient, db_url: str, studio: tuple) -> None:
    headers, collection = studio
    other = add_collection(db_url, "admin@studio.example", name="Portraits")
    first = run(client, headers, collection, "photostats")["guid"]
    second = run(client, headers, other, "photo_pairing")["guid"]
    third = run(client, headers, collection, "photo_pairing")["guid"]
    set_job(db_url, second, status="failed")
    listed = client.get("/api/jobs", headers=headers).json()
    assert [job["guid"] for job in listed] == [third, second, first]
    by_collection = client.get("/api/jobs", params={"collection": collection}, headers=headers)
    assert [job["guid"] for job in by_collection.json()] == [third, first]
    failed = client.get("/api/jobs", params={"status": "failed"}, headers=headers).json()
    assert [job["guid"] for job in failed] == [second]
    assert client.get("/api/jobs", params={"status": "bogus"}, headers=headers).status_code == 422


def test_cancel_a_queued_job_at_once(client: TestClient, db_url: str, studio: tuple) -> None:
    headers, collection = studio
    guid = run(client, headers, collection, "photostats")["guid"]
    cancelled = client.post(f"/api/jobs/{guid}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert audit_actions(db_url, guid) == ["job.created", "job.cancelled"]
    again = client.post(f"/api/jobs/{guid}/cancel", headers=headers)
    assert again.status_code == 409
    [listed] = client.get("/api/results", headers=headers).json()
    assert (listed["status"], listed["error"]) == ("CANCELLED", "cancelled by a user")
    assert (listed["tool"], listed["collection"]) == ("photostats", collection)


def test_cancel_a_running_job_tells_its_agent(
    client: TestClient, db_url: str, studio: tuple
) -> None:
    headers, collection = studio
    with db(db_url) as session:
        token = create_registration_token(session, find_team(session, "Studio")).token
    enrolled = client.post(
        f"{AGENT_API}/register", json={"registration_token": token, "name": "laptop"}
    )
    agent = {"Authorization": f"Bearer {enrolled.json()['agent_key']}"}
    guid = run(client, headers, collection, "photostats")["guid"]
    claimed = client.post(f"{AGENT_API}/jobs/claim", params={"wait": 0}, headers=agent).json()
    assert claimed["job_guid"] == guid

    answer = client.post(f"/api/jobs/{guid}/cancel", headers=headers).json()
    assert answer["status"] == "claimed" and answer["cancel_requested"] is True
    beat = client.post(f"{AGENT_API}/heartbeat", json={"status": "busy"}, headers=agent).json()
    assert {"type": "cancel_job", "job": guid} in beat["commands"]
    step = client.post(
        f"{AGENT_API}/jobs/{guid}/progress",
        json={"claim_token": claimed["claim_token"], "stage": "scanning", "percent": 10},
        headers=agent,
    )
    assert step.json()["cancel_requested"] is True


@pytest.mark.parametrize("final", ["completed", "no_change", "failed", "cancelled"])
def test_a_finished_job_cannot_be_cancelled(
    client: TestClient, db_url: str, studio: tuple, final: str
) -> None:
    headers, collection = studio
    guid = run(client, headers, collection, "photostats")["guid"]
    set_job(db_url, guid, status=final)
    assert client.post(f"/api/jobs/{guid}/cancel", headers=headers).status_code == 409


def test_retry_makes_a_new_job(client: TestClient, db_url: str, studio: tuple) -> None:
    headers, collection = studio
    old = run(client, headers, collection, "photo_pairing")["guid"]
    set_job(db_url, old, status="failed", attempts=3, error="disk gone")
    retried = client.post(f"/api/jobs/{old}/retry", headers=headers)
    assert retried.status_code == 201
    new = retried.json()
    assert new["guid"] != old and new["status"] == "queued" and new["attempts"] == 0
    assert (new["tool"], new["collection"], new["error"]) == ("photo_pairing", collection, None)
    assert audit_actions(db_url, new["guid"]) == ["job.retried"]
    assert client.get(f"/api/jobs/{old}", headers=headers).json()["status"] == "failed"

    cancelled = run(client, headers, collection, "photostats")["guid"]
    client.post(f"/api/jobs/{cancelled}/cancel", headers=headers)
    assert client.post(f"/api/jobs/{cancelled}/retry", headers=headers).status_code == 201


@pytest.mark.parametrize("state", ["queued", "claimed", "running", "completed", "no_change"])
def test_only_failed_or_cancelled_jobs_are_retried(
    client: TestClient, db_url: str, studio: tuple, state: str
) -> None:
    headers, collection = studio
    guid = run(client, headers, collection, "photostats")["guid"]
    set_job(db_url, guid, status=state)
    assert client.post(f"/api/jobs/{guid}/retry", headers=headers).status_code == 409


def test_members_run_cancel_and_retry(client: TestClient, db_url: str, studio: tuple) -> None:
    _, collection = studio
    member = signed_in(client, db_url, "member@studio.example", "Studio")
    with db(db_url) as session:
        role = session.scalar(select(User.role).where(User.email == "member@studio.example"))
    assert role == "member"
    guid = run(client, member, collection, "photostats")["guid"]
    assert client.post(f"/api/jobs/{guid}/cancel", headers=member).status_code == 200
    assert client.post(f"/api/jobs/{guid}/retry", headers=member).status_code == 201


def test_another_team_sees_nothing(client: TestClient, db_url: str, studio: tuple) -> None:
    headers, collection = studio
    guid = run(client, headers, collection, "photostats")["guid"]
    set_job(db_url, guid, status="failed")
    rival = signed_in(client, db_url, "boss@rival.example", "Rival")
    assert client.get("/api/jobs", headers=rival).json() == []
    calls = [
        ("post", f"/api/collections/{collection}/jobs", {"tool": "photostats"}),
        ("get", f"/api/jobs/{guid}", None),
        ("post", f"/api/jobs/{guid}/cancel", None),
        ("post", f"/api/jobs/{guid}/retry", None),
        ("get", f"/api/jobs?collection={collection}", None),
    ]
    for method, path, body in calls:
        answer = client.request(method.upper(), path, json=body, headers=rival)
        assert answer.status_code == 404, (path, answer.status_code)
    with db(db_url) as session:
        assert session.scalar(select(Job.status).where(Job.guid == guid)) == "failed"
        assert len(session.scalars(select(Job)).all()) == 1


def test_every_route_needs_a_user(client: TestClient, db_url: str, studio: tuple) -> None:
    headers, collection = studio
    guid = run(client, headers, collection, "photostats")["guid"]
    client.cookies.clear()
    for method, path in [
        ("POST", f"/api/collections/{collection}/jobs"),
        ("GET", "/api/jobs"),
        ("GET", f"/api/jobs/{guid}"),
        ("POST", f"/api/jobs/{guid}/cancel"),
        ("POST", f"/api/jobs/{guid}/retry"),
    ]:
        answer = client.request(method, path, json={"tool": "photostats"})
        assert answer.status_code == 401, path
