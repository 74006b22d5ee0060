"""The user API for agents, `/api/agents`: list, rename, revoke, pool status, registration
tokens, roles and tenant isolation (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from shuttersense.coordinator.ids import new_guid
from shuttersense.coordinator.models import Agent, AuditEvent, Job, RegistrationToken, Team
from shuttersense.coordinator.models.base import utcnow
from shuttersense.coordinator.services.agents import pool_counts
from tests.coordinator.factories import Teams, audit_actions, db

API = "/api/agents"
AGENT_API = "/api/agent/v1"


def new_token(client: TestClient, headers: dict[str, str], **body: object) -> dict:
    answer = client.post(f"{API}/registration-tokens", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


def register(
    client: TestClient,
    headers: dict[str, str],
    name: str = "studio-mac",
    roots: tuple[str, ...] = ("/photos",),
) -> dict:
    """Enrol an agent with a token made through the user API; returns the register answer."""
    token = new_token(client, headers)["token"]
    answer = client.post(
        f"{AGENT_API}/register",
        json={
            "registration_token": token,
            "name": name,
            "hostname": f"{name}.local",
            "platform": "linux",
            "version": "1.0",
            "capabilities": ["photostats"],
            "authorized_roots": list(roots),
        },
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def agent_headers(enrolled: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {enrolled['agent_key']}"}


def _aware(moment: str) -> datetime:
    parsed = datetime.fromisoformat(moment)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def test_registration_tokens_are_shown_once(client: TestClient, db_url: str, teams: Teams) -> None:
    made = new_token(client, teams.admin)
    assert made["token"].startswith("art_") and made["guid"].startswith("rgt_")
    expected = utcnow() + timedelta(hours=24)
    assert abs(_aware(made["expires_at"]) - expected) < timedelta(minutes=1)
    week = new_token(client, teams.admin, expires_hours=168)
    assert _aware(week["expires_at"]) - utcnow() > timedelta(hours=167)
    assert audit_actions(db_url, made["guid"]) == ["registration_token.created"]
    with db(db_url) as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.target == made["guid"]))
        assert event is not None and event.actor_user_id is not None
    listed = client.get(f"{API}/registration-tokens", headers=teams.admin).json()
    assert [row["guid"] for row in listed] == [week["guid"], made["guid"]]
    assert set(listed[0]) == {"guid", "created_at", "expires_at", "used_at", "agent"}
    assert made["token"] not in str(listed)
    assert listed[0]["used_at"] is None and listed[0]["agent"] is None


def test_a_spent_token_names_its_agent(client: TestClient, teams: Teams) -> None:
    enrolled = register(client, teams.admin)
    (row,) = client.get(f"{API}/registration-tokens", headers=teams.admin).json()
    assert row["used_at"] is not None and row["agent"] == enrolled["agent_guid"]


@pytest.mark.parametrize("hours", [0, 169, -1])
def test_token_expiry_is_bounded(client: TestClient, teams: Teams, hours: int) -> None:
    answer = client.post(
        f"{API}/registration-tokens", json={"expires_hours": hours}, headers=teams.admin
    )
    assert answer.status_code == 422


def test_list_and_get_agents(client: TestClient, teams: Teams) -> None:
    enrolled = register(client, teams.admin)
    listed = client.get(API, headers=teams.member).json()
    assert len(listed) == 1
    agent = listed[0]
    assert agent["guid"] == enrolled["agent_guid"]
    assert (agent["name"], agent["hostname"], agent["platform"]) == (
        "studio-mac",
        "studio-mac.local",
        "linux",
    )
    assert agent["status"] == "idle" and agent["revoked"] is False
    assert agent["capabilities"] == ["photostats"] and agent["authorized_roots"] == ["/photos"]
    assert agent["last_heartbeat_at"] and agent["created_at"]
    assert not {"id", "team_id", "key_hash"} & set(agent)
    got = client.get(f"{API}/{agent['guid']}", headers=teams.member)
    assert got.status_code == 200 and got.json() == agent
    assert client.get(f"{API}/{new_guid('agt')}", headers=teams.member).status_code == 404


def test_pool_status_matches_the_pool(client: TestClient, db_url: str, teams: Teams) -> None:
    empty = client.get(f"{API}/pool-status", headers=teams.member).json()
    assert empty["status"] == "offline" and empty["total"] == 0
    first = register(client, teams.admin, "one")
    second = register(client, teams.admin, "two")
    beat = client.post(
        f"{AGENT_API}/heartbeat", json={"status": "busy"}, headers=agent_headers(first)
    )
    assert beat.status_code == 200
    pool = client.get(f"{API}/pool-status", headers=teams.member).json()
    assert pool["status"] == "available" and (pool["idle"], pool["busy"]) == (1, 1)
    with db(db_url) as session:
        session.execute(
            update(Agent)
            .where(Agent.guid == second["agent_guid"])
            .values(last_heartbeat_at=utcnow() - timedelta(seconds=91))
        )
        session.commit()
        team_id = session.scalar(select(Team.id).where(Team.name == "Studio"))
        assert team_id is not None
        counts = pool_counts(session, team_id)
    pool = client.get(f"{API}/pool-status", headers=teams.member).json()
    assert pool == {**counts, "status": "busy"}
    assert (pool["online"], pool["offline"]) == (1, 1)
    silent = client.get(f"{API}/{second['agent_guid']}", headers=teams.member).json()
    assert silent["status"] == "offline"


def test_rename_an_agent(client: TestClient, db_url: str, teams: Teams) -> None:
    guid = register(client, teams.admin)["agent_guid"]
    renamed = client.patch(f"{API}/{guid}", json={"name": " Office "}, headers=teams.admin)
    assert renamed.status_code == 200 and renamed.json()["name"] == "Office"
    assert client.get(f"{API}/{guid}", headers=teams.admin).json()["name"] == "Office"
    assert "agent.renamed" in audit_actions(db_url, guid)
    for bad in ({"name": ""}, {"name": "   "}, {}, {"name": "x", "extra": 1}):
        answer = client.patch(f"{API}/{guid}", json=bad, headers=teams.admin)
        assert answer.status_code == 422, bad


def _queue(client: TestClient, headers: dict[str, str], agent_guid: str) -> str:
    made = client.post(
        "/api/collections",
        json={"name": "Weddings", "root_path": "/photos/weddings", "agent": agent_guid},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    return made.json()["guid"]


def _run(
    client: TestClient, headers: dict[str, str], collection: str, tool: str = "photostats"
) -> str:
    answer = client.post(
        f"/api/collections/{collection}/jobs", json={"tool": tool}, headers=headers
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["guid"]


def test_revoke_stops_the_key_and_requeues_its_work(
    client: TestClient, db_url: str, teams: Teams
) -> None:
    enrolled = register(client, teams.admin)
    guid, key = enrolled["agent_guid"], agent_headers(enrolled)
    collection = _queue(client, teams.admin, guid)
    running = _run(client, teams.admin, collection)
    claimed = client.post(f"{AGENT_API}/jobs/claim", headers=key)
    assert claimed.status_code == 200 and claimed.json()["job_guid"] == running
    waiting = _run(client, teams.admin, collection, "photo_pairing")

    revoked = client.post(f"{API}/{guid}/revoke", headers=teams.admin)
    assert revoked.status_code == 200
    body = revoked.json()
    assert body["revoked"] is True and body["revoked_at"] and body["status"] == "offline"
    assert client.post(f"{AGENT_API}/heartbeat", json={}, headers=key).status_code == 401
    assert client.post(f"{AGENT_API}/jobs/claim", headers=key).status_code == 401
    with db(db_url) as session:
        jobs = {job.guid: job for job in session.scalars(select(Job))}
    assert jobs[running].status == "queued" and jobs[running].claimed_by_id is None
    assert jobs[running].claim_token_hash is None and jobs[running].attempts == 0
    assert jobs[waiting].status == "queued"
    assert audit_actions(db_url, guid) == ["agent.registered", "agent.revoked"]
    pool = client.get(f"{API}/pool-status", headers=teams.admin).json()
    assert pool["total"] == 0
    # Revoking again changes nothing and is not audited twice.
    again = client.post(f"{API}/{guid}/revoke", headers=teams.admin)
    assert again.status_code == 200 and again.json()["revoked_at"] == body["revoked_at"]
    assert audit_actions(db_url, guid).count("agent.revoked") == 1


def test_members_cannot_administer_agents(client: TestClient, db_url: str, teams: Teams) -> None:
    guid = register(client, teams.admin)["agent_guid"]
    calls = [
        ("post", f"{API}/registration-tokens", {}),
        ("get", f"{API}/registration-tokens", None),
        ("patch", f"{API}/{guid}", {"name": "Mine"}),
        ("post", f"{API}/{guid}/revoke", None),
    ]
    for method, path, body in calls:
        answer = client.request(method, path, json=body, headers=teams.member)
        assert answer.status_code == 403, (method, path)
    with db(db_url) as session:
        agent = session.scalar(select(Agent).where(Agent.guid == guid))
        assert agent is not None and agent.revoked_at is None and agent.name == "studio-mac"
        assert len(session.scalars(select(RegistrationToken)).all()) == 1  # the admin's only


def test_signing_in_is_required(client: TestClient, teams: Teams) -> None:
    guid = register(client, teams.admin)["agent_guid"]
    enrolled_key = {"Authorization": "Bearer agt_key_nothing"}
    calls = [
        ("get", API, None),
        ("get", f"{API}/pool-status", None),
        ("get", f"{API}/{guid}", None),
        ("patch", f"{API}/{guid}", {"name": "x"}),
        ("post", f"{API}/{guid}/revoke", None),
        ("post", f"{API}/registration-tokens", {}),
        ("get", f"{API}/registration-tokens", None),
    ]
    for method, path, body in calls:
        for headers in ({}, enrolled_key, {"Authorization": "Bearer not-a-token"}):
            answer = client.request(method, path, json=body, headers=headers)
            assert answer.status_code == 401, (method, path, headers)


def test_another_team_sees_nothing(client: TestClient, db_url: str, teams: Teams) -> None:
    guid = register(client, teams.admin)["agent_guid"]
    new_token(client, teams.admin)
    outsider = teams.outsider
    assert client.get(API, headers=outsider).json() == []
    assert client.get(f"{API}/registration-tokens", headers=outsider).json() == []
    assert client.get(f"{API}/pool-status", headers=outsider).json()["total"] == 0
    calls = [
        ("get", f"{API}/{guid}", None),
        ("patch", f"{API}/{guid}", {"name": "Stolen"}),
        ("post", f"{API}/{guid}/revoke", None),
    ]
    for method, path, body in calls:
        answer = client.request(method, path, json=body, headers=outsider)
        assert answer.status_code == 404, (method, path)
    mine = client.get(f"{API}/{guid}", headers=teams.admin).json()
    assert mine["name"] == "studio-mac" and mine["revoked"] is False
    assert audit_actions(db_url, guid) == ["agent.registered"]
