"""`POST /api/agent/v1/deregister`: an agent ends its own registration (both databases)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from shuttersense.coordinator.models import AuditEvent, Job
from tests.coordinator.factories import Teams, audit_actions, db
from tests.coordinator.test_agents_api import (
    AGENT_API,
    API,
    _queue,
    _run,
    agent_headers,
    register,
)

DEREGISTER = f"{AGENT_API}/deregister"


def test_an_agent_leaves_revoked_and_hands_its_job_back(
    client: TestClient, db_url: str, teams: Teams
) -> None:
    enrolled = register(client, teams.admin)
    staying = register(client, teams.admin, "office-pc")
    guid, key = enrolled["agent_guid"], agent_headers(enrolled)
    running = _run(client, teams.admin, _queue(client, teams.admin, guid))
    claimed = client.post(f"{AGENT_API}/jobs/claim", headers=key)
    assert claimed.status_code == 200 and claimed.json()["job_guid"] == running

    answer = client.post(DEREGISTER, headers=key)
    assert answer.status_code == 204 and answer.content == b""

    listed = {agent["guid"]: agent for agent in client.get(API, headers=teams.admin).json()}
    assert listed[guid]["revoked"] is True and listed[guid]["status"] == "offline"
    assert listed[staying["agent_guid"]]["revoked"] is False  # the others stay
    assert client.post(f"{AGENT_API}/heartbeat", json={}, headers=key).status_code == 401
    with db(db_url) as session:
        job = session.scalar(select(Job).where(Job.guid == running))
        assert job is not None and job.status == "queued" and job.claimed_by_id is None
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "agent.deregistered"))
        assert event is not None and event.target == guid
        assert event.actor_agent_id is not None and event.actor_user_id is None
        assert event.details["requeued_jobs"] == [running]
    # Once more (an answer lost on the way): the same, audited once.
    again = client.post(DEREGISTER, headers=key)
    assert again.status_code == 204
    assert audit_actions(db_url, guid) == ["agent.registered", "agent.deregistered"]
    revoked_at = client.get(f"{API}/{guid}", headers=teams.admin).json()["revoked_at"]
    assert revoked_at == listed[guid]["revoked_at"]


def test_only_a_key_an_agent_holds_can_deregister(client: TestClient, teams: Teams) -> None:
    enrolled = register(client, teams.admin)
    for headers in (
        {},
        {"Authorization": "Bearer agt_key_nobody"},
        {"Authorization": "Bearer not-an-agent-key"},
        teams.admin,  # a user, even the team's admin, revokes through /api/agents instead
    ):
        assert client.post(DEREGISTER, headers=headers).status_code == 401, headers
    agent = client.get(f"{API}/{enrolled['agent_guid']}", headers=teams.admin).json()
    assert agent["revoked"] is False


def test_it_touches_no_other_team(client: TestClient, teams: Teams) -> None:
    ours = register(client, teams.admin)
    theirs = register(client, teams.outsider, "their-mac")
    assert client.post(DEREGISTER, headers=agent_headers(theirs)).status_code == 204
    assert client.get(f"{API}/{ours['agent_guid']}", headers=teams.admin).json()["revoked"] is False
    [gone] = client.get(API, headers=teams.outsider).json()
    assert gone["guid"] == theirs["agent_guid"] and gone["revoked"] is True
    assert client.get(f"{API}/{theirs['agent_guid']}", headers=teams.admin).status_code == 404


def test_it_is_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    operation = paths[DEREGISTER]["post"]
    assert "204" in operation["responses"] and "401" in operation["responses"]
