"""Agent protocol: registration with one-time tokens, heartbeats, pool status (both databases)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, update
from sqlalchemy.orm import Session

from shuttersense.coordinator.ids import new_guid
from shuttersense.coordinator.models import Agent, AuditEvent, Job, RegistrationToken
from shuttersense.coordinator.models.base import utcnow
from tests.coordinator.factories import PASSWORD, Teams, team_with_token

API = "/api/agent/v1"
MEMBER = "member@studio.example"  # the `teams` fixture's Studio member


def register(client: TestClient, token: str, name: str = "Studio Mac") -> dict:
    response = client.post(
        f"{API}/register",
        json={
            "registration_token": token,
            "name": name,
            "hostname": "mac.local",
            "platform": "darwin",
            "version": "0.1.0",
            "capabilities": ["photostats"],
            "authorized_roots": ["/Volumes/Photos"],
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _session(url: str) -> tuple[Session, object]:
    engine = create_engine(url)
    return Session(engine), engine


def test_register_spends_the_token_and_shows_the_key_once(client: TestClient, db_url: str) -> None:
    team_guid, token = team_with_token(db_url)
    body = register(client, token)
    assert body["agent_guid"].startswith("agt_") and body["agent_key"].startswith("agt_key_")
    assert body["team_guid"] == team_guid
    assert body["heartbeat_interval"] == 30
    session, engine = _session(db_url)
    with session:
        agent = session.scalar(select(Agent))
        assert agent.key_hash == hashlib.sha256(body["agent_key"].encode()).hexdigest()
        assert agent.authorized_roots == ["/Volumes/Photos"]
        assert session.scalar(select(RegistrationToken)).used_at is not None
        assert "agent.registered" in session.scalars(select(AuditEvent.action)).all()
    engine.dispose()


def test_a_token_works_once(client: TestClient, db_url: str) -> None:
    _, token = team_with_token(db_url)
    register(client, token)
    again = client.post(f"{API}/register", json={"registration_token": token, "name": "Other"})
    assert again.status_code == 401
    assert "already used" in again.json()["detail"]


def test_expired_and_unknown_tokens_are_refused_with_a_reason(
    client: TestClient, db_url: str
) -> None:
    _, token = team_with_token(db_url)
    session, engine = _session(db_url)
    with session:
        session.execute(update(RegistrationToken).values(expires_at=utcnow() - timedelta(hours=1)))
        session.commit()
    engine.dispose()
    expired = client.post(f"{API}/register", json={"registration_token": token, "name": "A"})
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]
    unknown = client.post(f"{API}/register", json={"registration_token": "art_nope", "name": "A"})
    assert unknown.status_code == 401 and "invalid" in unknown.json()["detail"]


def test_malformed_registration_is_422(client: TestClient, db_url: str) -> None:
    _, token = team_with_token(db_url)
    for body in (
        {"registration_token": token},
        {"registration_token": token, "name": "x" * 201},
        {"registration_token": token, "name": "A", "team_id": 1},
    ):
        assert client.post(f"{API}/register", json=body).status_code == 422


def test_heartbeat_needs_a_valid_key(client: TestClient, db_url: str) -> None:
    _, token = team_with_token(db_url)
    key = register(client, token)["agent_key"]
    missing = client.post(f"{API}/heartbeat", json={})
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert (
        client.post(f"{API}/heartbeat", json={}, headers=auth("agt_key_wrong")).status_code == 401
    )
    session, engine = _session(db_url)
    with session:
        session.execute(update(Agent).values(revoked_at=utcnow()))
        session.commit()
    engine.dispose()
    revoked = client.post(f"{API}/heartbeat", json={}, headers=auth(key))
    assert revoked.status_code == 401 and "revoked" in revoked.json()["detail"]


def test_heartbeat_records_state_and_delivers_cancellations(
    client: TestClient, db_url: str
) -> None:
    _, token = team_with_token(db_url)
    enrolled = register(client, token)
    session, engine = _session(db_url)
    with session:
        agent = session.scalar(select(Agent))
        job = Job(
            guid=new_guid("job"),
            team_id=agent.team_id,
            tool="photostats",
            status="running",
            claimed_by_id=agent.id,
            cancel_requested=True,
        )
        session.add(job)
        session.commit()
        job_guid = job.guid
    response = client.post(
        f"{API}/heartbeat",
        json={"status": "busy", "current_job": job_guid, "metrics": {"cpu": 0.5}},
        headers=auth(enrolled["agent_key"]),
    )
    assert response.status_code == 200
    assert response.json()["commands"] == [{"type": "cancel_job", "job": job_guid}]
    with session:
        agent = session.scalar(select(Agent))
        assert (agent.status, agent.metrics) == ("busy", {"cpu": 0.5})
    engine.dispose()


def test_pool_status_counts_only_the_callers_team(client: TestClient, db_url: str) -> None:
    _, token = team_with_token(db_url, "Studio")
    _, other_token = team_with_token(db_url, "Elsewhere")
    first = register(client, token, "one")["agent_key"]
    _, second_token = team_with_token(db_url, "Studio2")
    register(client, other_token, "foreign")
    register(client, second_token, "unrelated")
    status = client.get(f"{API}/pool-status", headers=auth(first)).json()
    assert status == {
        "total": 1,
        "online": 1,
        "offline": 0,
        "idle": 1,
        "busy": 0,
        "paused": 0,
        "status": "available",
    }
    client.post(f"{API}/heartbeat", json={"status": "busy"}, headers=auth(first))
    assert client.get(f"{API}/pool-status", headers=auth(first)).json()["status"] == "busy"
    session, engine = _session(db_url)
    with session:
        session.execute(update(Agent).values(last_heartbeat_at=utcnow() - timedelta(seconds=91)))
        session.commit()
    engine.dispose()
    stale = client.get(f"{API}/pool-status", headers=auth(first)).json()
    assert (stale["offline"], stale["online"], stale["status"]) == (1, 0, "offline")


def test_registration_is_rate_limited_per_address_with_retry_after(
    client: TestClient, db_url: str
) -> None:
    answers = [
        client.post(f"{API}/register", json={"registration_token": f"art_guess{n}", "name": "A"})
        for n in range(11)
    ]
    assert [a.status_code for a in answers[:10]] == [401] * 10
    assert answers[10].status_code == 429
    assert 1 <= int(answers[10].headers["retry-after"]) <= 600
    assert "try again" in answers[10].json()["detail"]


def test_pool_status_takes_a_users_sign_in_or_an_agent_key(
    client: TestClient, teams: Teams
) -> None:
    """The deployment guide monitors with it: a user's API token or session cookie answers for
    the user's team, an agent key for the agent's team; anything else is 401."""

    def enrolled(admin: dict[str, str]) -> str:
        made = client.post("/api/agents/registration-tokens", json={}, headers=admin)
        return register(client, made.json()["token"])["agent_key"]

    studio_key = enrolled(teams.admin)
    other_keys = [enrolled(teams.outsider), enrolled(teams.outsider)]

    def total(**request: dict[str, str]) -> int:
        answer = client.get(f"{API}/pool-status", **request)
        assert answer.status_code == 200, answer.text
        return answer.json()["total"]

    assert total(headers=teams.member) == 1  # an API token: the member's team
    assert total(headers=auth(studio_key)) == 1
    assert total(headers=auth(other_keys[0])) == 2  # another team's agent sees its own team
    login = client.post("/api/auth/login", json={"email": MEMBER, "password": PASSWORD})
    assert login.status_code == 200
    assert total() == 1  # the session cookie
    client.cookies.clear()

    made = client.post("/api/auth/tokens", json={"name": "monitoring"}, headers=teams.member)
    token = {"Authorization": f"Bearer {made.json()['token']}"}
    assert total(headers=token) == 1
    revoked = client.delete(f"/api/auth/tokens/{made.json()['guid']}", headers=teams.member)
    assert revoked.status_code == 204
    for refused in (token, {}, auth("agt_key_unknown")):
        assert client.get(f"{API}/pool-status", headers=refused).status_code == 401
