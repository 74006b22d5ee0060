"""`PATCH /api/collections/{guid}` with `agent`: a collection moved to another of the team's
agents keeps its results, takes its queued jobs along, and is refused where the new agent
cannot see the folder (both databases)."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select

from shuttersense.coordinator.ids import new_guid
from shuttersense.coordinator.models import AuditEvent
from tests.coordinator.factories import Teams, audit_actions, db, invalid
from tests.coordinator.tenants import claim_job, complete_job, enrol_agent, run_tool

API = "/api/collections"


def _collection(client: TestClient, user: dict[str, str], agent: str) -> str:
    body = {"name": "Weddings", "root_path": "/photos/weddings", "agent": agent}
    made = client.post(API, json=body, headers=user)
    assert made.status_code == 201, made.text
    return str(made.json()["guid"])


def _move(client: TestClient, user: dict[str, str], collection: str, agent: str) -> httpx.Response:
    return client.patch(f"{API}/{collection}", json={"agent": agent}, headers=user)


def test_a_collection_moves_to_the_new_registration_of_its_computer(
    client: TestClient, db_url: str, teams: Teams
) -> None:
    old, old_key = enrol_agent(client, teams.admin, "studio-mac", "/photos")
    collection = _collection(client, teams.admin, old)
    run_tool(client, teams.admin, collection)
    kept = complete_job(client, old_key, claim_job(client, old_key))
    waiting = run_tool(client, teams.admin, collection)
    assert client.post(f"/api/agents/{old}/revoke", headers=teams.admin).status_code == 200
    new, new_key = enrol_agent(client, teams.admin, "studio-mac", "/photos")

    moved = _move(client, teams.member, collection, new)  # as creating one, any member may

    assert moved.status_code == 200, moved.text
    assert moved.json()["agent"] == new and moved.json()["root_path"] == "/photos/weddings"
    results = client.get("/api/results", params={"collection": collection}, headers=teams.admin)
    assert [r["guid"] for r in results.json()] == [kept]
    listed = client.get("/api/agent/v1/collections", headers=new_key).json()
    assert [c["guid"] for c in listed] == [collection]
    claimed = claim_job(client, new_key)  # the job queued for the revoked agent came along
    assert claimed["job_guid"] == waiting and claimed["collection"]["guid"] == collection
    assert claimed["previous_result"]["guid"] == kept  # so it can find nothing changed
    with db(db_url) as session:
        event = session.scalar(
            select(AuditEvent).where(
                AuditEvent.target == collection, AuditEvent.action == "collection.moved"
            )
        )
        assert event is not None
        assert event.details == {"from": old, "to": new, "queued_jobs": [waiting]}


def test_a_move_is_refused_where_the_new_agent_cannot_run_it(
    client: TestClient, db_url: str, teams: Teams
) -> None:
    here, _ = enrol_agent(client, teams.admin, "studio-mac", "/photos")
    collection = _collection(client, teams.admin, here)
    elsewhere, _ = enrol_agent(client, teams.admin, "office-pc", "/archive")
    gone, _ = enrol_agent(client, teams.admin, "old-laptop", "/photos")
    assert client.post(f"/api/agents/{gone}/revoke", headers=teams.admin).status_code == 200
    foreign, _ = enrol_agent(client, teams.outsider, "their-mac", "/photos")

    outside = _move(client, teams.admin, collection, elsewhere)
    assert "is not inside the authorized roots of agent 'office-pc'" in invalid(outside)
    assert _move(client, teams.admin, collection, gone).status_code == 409
    assert _move(client, teams.admin, collection, foreign).status_code == 404
    assert _move(client, teams.admin, collection, new_guid("agt")).status_code == 404
    # Another team cannot move this team's collection, even to its own agent.
    assert _move(client, teams.outsider, collection, foreign).status_code == 404
    unchanged = client.get(f"{API}/{collection}", headers=teams.admin).json()
    assert unchanged["agent"] == here
    # To the agent it is on already: nothing to do, nothing audited.
    assert _move(client, teams.admin, collection, here).status_code == 200
    assert audit_actions(db_url, collection) == ["collection.created"]
