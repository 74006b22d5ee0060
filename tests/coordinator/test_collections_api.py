"""The user API for collections, `/api/collections`: create on an agent, list, get, rename,
delete with its jobs and results, roles and tenant isolation (both databases)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from shuttersense.coordinator.ids import new_guid
from shuttersense.coordinator.models import Collection, Job, Result
from tests.coordinator.factories import Teams, audit_actions, db, invalid
from tests.coordinator.test_agents_api import AGENT_API, agent_headers, register

API = "/api/collections"


@pytest.fixture
def agent(client: TestClient, teams: Teams) -> str:
    return register(client, teams.admin)["agent_guid"]


def create(client: TestClient, headers: dict[str, str], agent: str, name: str = "Weddings") -> dict:
    answer = client.post(
        API, json={"name": name, "root_path": f"/photos/{name}", "agent": agent}, headers=headers
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def count(session: Session, model: type[Job] | type[Result] | type[Collection]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_create_list_and_get(client: TestClient, db_url: str, teams: Teams, agent: str) -> None:
    made = create(client, teams.member, agent)
    assert made["guid"].startswith("col_") and made["agent"] == agent
    assert (made["name"], made["root_path"]) == ("Weddings", "/photos/Weddings")
    assert made["pipeline"] is None and made["file_count"] is None
    assert made["storage_bytes"] is None and made["image_count"] is None
    assert made["created_at"].endswith("Z")
    assert not {"id", "team_id", "agent_id"} & set(made)
    assert audit_actions(db_url, made["guid"]) == ["collection.created"]
    other = create(client, teams.admin, agent, name="Albums")
    listed = client.get(API, headers=teams.member).json()
    assert [c["guid"] for c in listed] == [other["guid"], made["guid"]]
    got = client.get(f"{API}/{made['guid']}", headers=teams.member)
    assert got.status_code == 200 and got.json() == made
    assert client.get(f"{API}/{new_guid('col')}", headers=teams.member).status_code == 404
    # Bound to its agent only: another agent of the team does not get it.
    second = register(client, teams.admin, "second")["agent_key"]
    seen = client.get("/api/agent/v1/collections", headers={"Authorization": f"Bearer {second}"})
    assert seen.json() == []


def test_create_refuses_bad_agents_and_names(
    client: TestClient, db_url: str, teams: Teams, agent: str
) -> None:
    create(client, teams.admin, agent)
    body = {"name": "Weddings", "root_path": "/photos/elsewhere", "agent": agent}
    assert client.post(API, json=body, headers=teams.admin).status_code == 409
    body["name"] = "  Weddings "
    assert client.post(API, json=body, headers=teams.admin).status_code == 409
    unknown = {"name": "New", "root_path": "/p", "agent": new_guid("agt")}
    assert client.post(API, json=unknown, headers=teams.admin).status_code == 404
    foreign = register(client, teams.outsider)["agent_guid"]
    stolen = {"name": "New", "root_path": "/p", "agent": foreign}
    assert client.post(API, json=stolen, headers=teams.admin).status_code == 404
    for bad in ({"name": "x", "root_path": "/p"}, {"name": "", "root_path": "/p", "agent": agent}):
        assert client.post(API, json=bad, headers=teams.admin).status_code == 422
    assert client.post(f"/api/agents/{agent}/revoke", headers=teams.admin).status_code == 200
    late = {"name": "Late", "root_path": "/p", "agent": agent}
    assert client.post(API, json=late, headers=teams.admin).status_code == 409
    with db(db_url) as session:
        assert count(session, Collection) == 1


def test_a_name_taken_between_the_check_and_the_write_is_a_conflict(
    client: TestClient, db_url: str, teams: Teams, agent: str
) -> None:
    taken: list[str] = []

    def another_request_first(session: Session, *_: object) -> None:
        new = [c for c in session.new if isinstance(c, Collection) and c.name == "Race"]
        if new and not taken:  # the same name, committed by a request that ran alongside
            taken.append(new[0].name)
            with db(db_url) as other:
                other.add(Collection(guid=new_guid("col"), team_id=new[0].team_id, name="Race"))
                other.commit()

    event.listen(Session, "before_flush", another_request_first)
    try:
        body = {"name": "Race", "root_path": "/photos/race", "agent": agent}
        answer = client.post(API, json=body, headers=teams.admin)
    finally:
        event.remove(Session, "before_flush", another_request_first)
    assert taken == ["Race"]
    assert answer.status_code == 409, answer.text
    assert "already" in answer.json()["detail"]


def test_the_folder_must_lie_inside_the_roots_the_agent_reported(
    client: TestClient, db_url: str, teams: Teams, agent: str
) -> None:
    refused = {
        "/photos2/weddings": "is not inside the authorized roots of agent 'studio-mac'",
        "/photos/../etc": "goes up with '..'",
        "photos/weddings": "is not an absolute path",
    }
    for folder, reason in refused.items():
        body = {"name": "Weddings", "root_path": folder, "agent": agent}
        answer = client.post(API, json=body, headers=teams.admin)
        assert reason in invalid(answer)
    outside = client.post(
        API, json={"name": "W", "root_path": "/srv", "agent": agent}, headers=teams.admin
    )
    assert f"({agent}): /photos; pick a folder inside one of them" in invalid(outside)
    with db(db_url) as session:
        assert count(session, Collection) == 0
    body = {"name": "Weddings", "root_path": "/photos//weddings/", "agent": agent}
    made = client.post(API, json=body, headers=teams.admin)
    assert made.status_code == 201 and made.json()["root_path"] == "/photos/weddings"


def test_an_agent_without_reported_roots_gets_a_collection_once_it_reports_them(
    client: TestClient, teams: Teams
) -> None:
    enrolled = register(client, teams.admin, "bare", roots=())
    body = {"name": "Weddings", "root_path": "/photos/weddings", "agent": enrolled["agent_guid"]}
    refused = client.post(API, json=body, headers=teams.admin)
    assert "has not reported any authorized roots yet" in invalid(refused)
    beat = {"status": "idle", "authorized_roots": ["/photos"]}
    reported = client.post(f"{AGENT_API}/heartbeat", json=beat, headers=agent_headers(enrolled))
    assert reported.status_code == 200
    assert client.post(API, json=body, headers=teams.admin).status_code == 201


def test_an_agent_creates_collections_inside_the_roots_it_sends_with_the_request(
    client: TestClient, teams: Teams
) -> None:
    enrolled = register(client, teams.admin, "laptop", roots=())
    headers = agent_headers(enrolled)
    body = {"name": "Weddings", "root_path": "/photos/weddings"}
    unreported = client.post(f"{AGENT_API}/collections", json=body, headers=headers)
    assert "has not reported any authorized roots yet" in invalid(unreported)
    sent = {**body, "authorized_roots": ["/photos", "/archive"]}
    made = client.post(f"{AGENT_API}/collections", json=sent, headers=headers)
    assert made.status_code == 201, made.text
    agent = client.get(f"/api/agents/{enrolled['agent_guid']}", headers=teams.admin).json()
    assert agent["authorized_roots"] == ["/photos", "/archive"]  # as a heartbeat would set them
    outside = {"name": "Other", "root_path": "/photos2", "authorized_roots": ["/photos"]}
    refused = client.post(f"{AGENT_API}/collections", json=outside, headers=headers)
    assert "is not inside the authorized roots" in invalid(refused)
    listed = client.get(f"{AGENT_API}/collections", headers=headers).json()
    assert [c["root_path"] for c in listed] == ["/photos/weddings"]


def test_rename(client: TestClient, db_url: str, teams: Teams, agent: str) -> None:
    guid = create(client, teams.admin, agent)["guid"]
    create(client, teams.admin, agent, name="Albums")
    renamed = client.patch(f"{API}/{guid}", json={"name": "Weddings 2024"}, headers=teams.member)
    assert renamed.status_code == 200 and renamed.json()["name"] == "Weddings 2024"
    same = client.patch(f"{API}/{guid}", json={}, headers=teams.member)
    assert same.status_code == 200 and same.json() == renamed.json()
    taken = client.patch(f"{API}/{guid}", json={"name": "Albums"}, headers=teams.member)
    assert taken.status_code == 409
    assert client.patch(f"{API}/{guid}", json={"name": ""}, headers=teams.member).status_code == 422
    missing = client.patch(f"{API}/{new_guid('col')}", json={"name": "X"}, headers=teams.member)
    assert missing.status_code == 404
    assert audit_actions(db_url, guid) == ["collection.created", "collection.renamed"]


def test_delete_takes_jobs_and_results(
    client: TestClient, db_url: str, teams: Teams, agent: str
) -> None:
    guid = create(client, teams.admin, agent)["guid"]
    kept = create(client, teams.admin, agent, name="Albums")["guid"]
    for target in (guid, kept):
        job = client.post(f"{API}/{target}/jobs", json={"tool": "photostats"}, headers=teams.admin)
        assert job.status_code == 201
    with db(db_url) as session:
        collection = session.scalar(select(Collection).where(Collection.guid == guid))
        assert collection is not None
        session.add(
            Result(
                guid=new_guid("res"),
                team_id=collection.team_id,
                collection_id=collection.id,
                tool="photostats",
                status="COMPLETED",
            )
        )
        session.commit()
    assert client.delete(f"{API}/{guid}", headers=teams.member).status_code == 403
    assert client.delete(f"{API}/{guid}", headers=teams.admin).status_code == 204
    assert client.get(f"{API}/{guid}", headers=teams.admin).status_code == 404
    assert client.delete(f"{API}/{guid}", headers=teams.admin).status_code == 404
    assert audit_actions(db_url, guid) == ["collection.created", "collection.deleted"]
    with db(db_url) as session:
        assert (count(session, Collection), count(session, Job), count(session, Result)) == (
            1,
            1,
            0,
        )


def test_signing_in_is_required(client: TestClient, teams: Teams, agent: str) -> None:
    guid = create(client, teams.admin, agent)["guid"]
    calls = [
        ("get", API, None),
        ("post", API, {"name": "X", "root_path": "/p", "agent": agent}),
        ("get", f"{API}/{guid}", None),
        ("patch", f"{API}/{guid}", {"name": "Y"}),
        ("delete", f"{API}/{guid}", None),
    ]
    for method, path, body in calls:
        for headers in ({}, {"Authorization": "Bearer agt_key_x"}, {"Authorization": "Bearer x"}):
            answer = client.request(method, path, json=body, headers=headers)
            assert answer.status_code == 401, (method, path, headers)


def test_another_team_sees_nothing(
    client: TestClient, db_url: str, teams: Teams, agent: str
) -> None:
    made = create(client, teams.admin, agent)
    guid = made["guid"]
    outsider = teams.outsider
    assert client.get(API, headers=outsider).json() == []
    calls = [
        ("get", f"{API}/{guid}", None),
        ("patch", f"{API}/{guid}", {"name": "Stolen"}),
        ("patch", f"{API}/{guid}", {}),
        ("delete", f"{API}/{guid}", None),
    ]
    for method, path, body in calls:
        answer = client.request(method, path, json=body, headers=outsider)
        assert answer.status_code == 404, (method, path)
    # The same name is free in another team, on that team's own agent.
    own_agent = register(client, outsider, "other-pc")["agent_guid"]
    theirs = create(client, outsider, own_agent)
    assert theirs["guid"] != guid
    assert [c["guid"] for c in client.get(API, headers=outsider).json()] == [theirs["guid"]]
    assert client.get(f"{API}/{guid}", headers=teams.admin).json() == made
    assert audit_actions(db_url, guid) == ["collection.created"]


def test_jobs_carry_the_pipeline_in_force(client: TestClient, teams: Teams, agent: str) -> None:
    from tests.coordinator.test_pipelines_api import BROKEN
    from tests.coordinator.test_pipelines_api import create as create_pipeline

    collection = create(client, teams.admin, agent)["guid"]

    def run(tool: str) -> dict:
        answer = client.post(
            f"/api/collections/{collection}/jobs", json={"tool": tool}, headers=teams.member
        )
        return {**answer.json(), "http": answer.status_code}

    refused = client.post(
        f"/api/collections/{collection}/jobs",
        json={"tool": "pipeline_validation"},
        headers=teams.member,
    )
    assert "needs a pipeline" in invalid(refused)

    default = create_pipeline(client, teams.admin, "Default")
    assert client.post(f"/api/pipelines/{default['guid']}/default", headers=teams.admin).is_success
    assert run("pipeline_validation")["http"] == 201  # the team default is in force

    own = create_pipeline(client, teams.admin, "Own")
    pinned = client.put(
        f"{API}/{collection}/pipeline",
        json={"pipeline": own["guid"], "version": 1},
        headers=teams.member,
    )
    assert pinned.status_code == 200
    assert (pinned.json()["pipeline"], pinned.json()["pipeline_version"]) == (own["guid"], 1)
    broken = create_pipeline(client, teams.admin, "Broken", BROKEN)
    refused = client.put(
        f"{API}/{collection}/pipeline", json={"pipeline": broken["guid"]}, headers=teams.member
    )
    assert refused.status_code == 422
    assert (
        client.put(
            f"{API}/{collection}/pipeline",
            json={"pipeline": own["guid"], "version": 9},
            headers=teams.member,
        ).status_code
        == 422
    )
    stranger = client.put(
        f"{API}/{collection}/pipeline", json={"pipeline": None}, headers=teams.outsider
    )
    assert stranger.status_code == 404
    back = client.put(f"{API}/{collection}/pipeline", json={"pipeline": None}, headers=teams.admin)
    assert back.json()["pipeline"] is None
