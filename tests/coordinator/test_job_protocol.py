"""The job state machine over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import create_engine, func, select, update
from sqlalchemy.orm import Session

from shuttersense.common.config import RAW_EXTENSIONS
from shuttersense.common.results import PhotoPairingResult
from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.claim_wakeups import RECHECK
from shuttersense.coordinator.ids import new_guid
from shuttersense.coordinator.models import (
    Agent,
    AnalysisConfig,
    Collection,
    Job,
    Pipeline,
    PipelineVersion,
    Result,
    Team,
    User,
)
from shuttersense.coordinator.models.base import utcnow
from shuttersense.coordinator.services.accounts import find_team
from shuttersense.coordinator.services.auth import create_token
from shuttersense.coordinator.services.jobs import create_job
from shuttersense.coordinator.services.registration import create_registration_token
from shuttersense.coordinator.services.sweeper import sweep
from shuttersense.coordinator.settings import Settings
from tests.coordinator.factories import (
    invalid,
    photostats_result,
    signed_completion,
    team_with_token,
)
from tests.helpers.live_server import live_server

API = "/api/agent/v1"
HASH = "a" * 64


class Rig:
    """A live coordinator, its database, and agents talking HTTP to it."""

    def __init__(self, base: str, db_url: str, jwt_key: str) -> None:
        self.base = base
        self.engine = create_engine(db_url)
        self.jwt_key = jwt_key
        self.clients: list[httpx.Client] = []

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def agent(self, team: str, name: str) -> httpx.Client:
        """Register an agent in `team` with a fresh token; a client that speaks as it."""
        with self.session() as session:
            token = create_registration_token(session, find_team(session, team)).token
        answer = httpx.post(
            f"{self.base}{API}/register",
            json={"registration_token": token, "name": name, "authorized_roots": ["/photos"]},
        )
        assert answer.status_code == 201, answer.text
        key = answer.json()["agent_key"]
        client = httpx.Client(base_url=self.base, headers={"Authorization": f"Bearer {key}"})
        self.clients.append(client)
        return client

    def admin(self) -> httpx.Client:
        """A client of the user API, as the Studio team's admin (an API token)."""
        with self.session() as session:
            admin = session.scalar(select(User).where(User.email == "admin@studio.example"))
            token = create_token(session, admin, "tests", None, self.jwt_key).token
            session.commit()
        client = httpx.Client(base_url=self.base, headers={"Authorization": f"Bearer {token}"})
        self.clients.append(client)
        return client

    def close(self) -> None:
        for client in self.clients:
            client.close()
        self.engine.dispose()

    def collection(self, bound_to: str | None = None) -> Collection:
        with self.session() as session:
            team = session.scalar(select(Team).where(Team.name == "Studio"))
            agent = (
                session.scalar(select(Agent).where(Agent.name == bound_to)) if bound_to else None
            )
            made = Collection(
                guid=new_guid("col"),
                team_id=team.id,
                agent_id=agent.id if agent else None,
                name=f"c{time.monotonic_ns()}",
                root_path="/photos",
            )
            session.add(made)
            session.commit()
            return made

    def job(self, collection: Collection, tool: str = "photostats") -> str:
        with self.session() as session:
            guid = create_job(session, session.merge(collection), tool).job.guid
            session.commit()
            return guid

    def set_job(self, guid: str, **values: object) -> None:
        with self.session() as session:
            session.execute(update(Job).where(Job.guid == guid).values(**values))
            session.commit()

    def results(self) -> list[Result]:
        with self.session() as session:
            return list(session.scalars(select(Result).order_by(Result.id)))

    def job_row(self, guid: str) -> Job:
        with self.session() as session:
            return session.scalar(select(Job).where(Job.guid == guid))


@pytest.fixture
def rig(settings: Settings, db_url: str) -> Iterator[tuple[Rig, str]]:
    team_with_token(db_url, "Studio")
    with live_server(create_app(settings, sweep_interval=None)) as base:
        server = Rig(base, db_url, settings.jwt_secret_key)
        yield server, "Studio"
        server.close()


def claim(agent: httpx.Client, wait: int = 0) -> dict | None:
    answer = agent.post(f"{API}/jobs/claim", params={"wait": wait}, timeout=40)
    if answer.status_code == 204:
        return None
    assert answer.status_code == 200, answer.text
    return answer.json()


def complete(
    agent: httpx.Client, claimed: dict, result: dict, secret: str | None = None
) -> httpx.Response:
    return agent.post(
        f"{API}/jobs/{claimed['job_guid']}/complete",
        json=signed_completion(claimed, result, HASH, secret),
    )


def no_change(agent: httpx.Client, claimed: dict, source: str, state_hash: str) -> httpx.Response:
    return agent.post(
        f"{API}/jobs/{claimed['job_guid']}/no-change",
        json={
            "claim_token": claimed["claim_token"],
            "input_state_hash": state_hash,
            "source_result_guid": source,
        },
    )


def test_two_agents_racing_never_share_a_job(rig: tuple[Rig, str]) -> None:
    server, token = rig
    one, two = server.agent(token, "one"), server.agent(token, "two")
    shared = server.collection()
    made = {server.job(shared) for _ in range(12)}
    won: dict[str, list[str]] = {"one": [], "two": []}

    def drain(name: str, agent: httpx.Client) -> None:
        while (claimed := claim(agent)) is not None:
            won[name].append(claimed["job_guid"])

    threads = [threading.Thread(target=drain, args=item) for item in (("one", one), ("two", two))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won["one"] + won["two"]) == sorted(made)  # each job exactly once


def test_claim_progress_complete_and_an_idempotent_repeat(rig: tuple[Rig, str]) -> None:
    server, token = rig
    agent = server.agent(token, "one")
    guid = server.job(server.collection(bound_to="one"))
    claimed = claim(agent)
    assert claimed["job_guid"] == guid and claimed["collection"]["root_path"] == "/photos"
    step = agent.post(
        f"{API}/jobs/{guid}/progress",
        json={"claim_token": claimed["claim_token"], "stage": "scanning", "percent": 40},
    )
    assert step.status_code == 200 and step.json()["cancel_requested"] is False
    assert server.job_row(guid).status == "running"
    first = complete(agent, claimed, photostats_result())
    again = complete(agent, claimed, photostats_result())
    assert first.status_code == again.status_code == 200
    assert first.json()["result_guid"] == again.json()["result_guid"]
    with server.session() as session:
        [stored] = session.scalars(select(Result)).all()
        assert (stored.status, stored.files_scanned, stored.issues_found) == ("COMPLETED", 3, 1)
        assert stored.results_json["orphaned_images"]["by_folder"] == {"": ["a.cr3"]}
    assert server.job_row(guid).status == "completed"


def test_a_wrong_signature_or_schema_is_rejected(rig: tuple[Rig, str]) -> None:
    server, token = rig
    agent = server.agent(token, "one")
    guid = server.job(server.collection())
    claimed = claim(agent)
    forged = complete(agent, claimed, photostats_result(), secret="not-the-secret")
    assert forged.status_code == 403 and "signature" in forged.json()["detail"]
    bogus = complete(agent, claimed, {"tool": "photostats", "total_files": "many"})
    assert bogus.status_code == 422
    assert server.job_row(guid).status == "claimed"


def lost_lease(server: Rig, team: str) -> tuple[httpx.Client, httpx.Client, str, dict]:
    """Agents one and two; one claimed a job whose lease then ran out and which the sweeper
    put back in the queue. Returns (one, two, job GUID, one's claim)."""
    one, two = server.agent(team, "one"), server.agent(team, "two")
    guid = server.job(server.collection())
    first = claim(one)
    server.set_job(guid, lease_expires_at=utcnow() - timedelta(seconds=1))
    with server.session() as session:
        assert sweep(session)["requeued"] == 1
    return one, two, guid, first


def test_lease_expiry_requeues_and_the_old_claim_is_superseded(rig: tuple[Rig, str]) -> None:
    server, token = rig
    one, two, guid, first = lost_lease(server, token)
    second = claim(two)
    assert second["job_guid"] == guid and second["attempt"] == 2
    late = complete(one, first, photostats_result())
    assert late.status_code == 409 and "superseded" in late.json()["detail"]
    assert complete(two, second, photostats_result()).status_code == 200
    with server.session() as session:
        assert session.scalar(select(func.count()).select_from(Result)) == 1


def test_a_late_result_completes_a_requeued_job_until_it_is_claimed_again(
    rig: tuple[Rig, str],
) -> None:
    server, token = rig
    one, two, guid, first = lost_lease(server, token)
    lost = one.post(
        f"{API}/jobs/{guid}/progress", json={"claim_token": first["claim_token"], "percent": 50}
    )
    assert lost.status_code == 409  # a lost lease reports no more progress...
    late = complete(one, first, photostats_result())
    assert late.status_code == 200  # ...but its result still ends the job
    assert server.job_row(guid).status == "completed"
    assert claim(two) is None


def test_a_claim_names_the_previous_result_for_no_change(rig: tuple[Rig, str]) -> None:
    server, token = rig
    agent = server.agent(token, "one")
    collection = server.collection()
    server.job(collection)
    first = claim(agent)
    assert first["previous_result"] is None
    done = complete(agent, first, photostats_result()).json()["result_guid"]
    server.job(collection, tool="photo_pairing")
    assert claim(agent)["previous_result"] is None  # another tool has no history yet
    server.job(collection)
    assert claim(agent)["previous_result"] == {"guid": done, "input_state_hash": HASH}


def test_lease_expiry_on_the_last_attempt_fails_the_job(rig: tuple[Rig, str]) -> None:
    server, token = rig
    agent = server.agent(token, "one")
    guid = server.job(server.collection())
    claim(agent)
    server.set_job(guid, lease_expires_at=utcnow() - timedelta(seconds=1), attempts=3)
    with server.session() as session:
        assert sweep(session)["failed"] == 1
    assert server.job_row(guid).status == "failed"
    [failed] = server.results()
    assert (failed.status, failed.job_id) == ("FAILED", server.job_row(guid).id)
    assert failed.results_json == {"error": "the lease expired on all 3 attempts"}
    assert failed.agent_id is not None and failed.input_state_hash is None


def test_cancellation_reaches_the_agent_by_progress_and_heartbeat(rig: tuple[Rig, str]) -> None:
    server, token = rig
    agent = server.agent(token, "one")
    guid = server.job(server.collection())
    claimed = claim(agent)
    server.set_job(guid, cancel_requested=True)
    step = agent.post(f"{API}/jobs/{guid}/progress", json={"claim_token": claimed["claim_token"]})
    assert step.json()["cancel_requested"] is True
    beat = agent.post(f"{API}/heartbeat", json={"status": "busy", "current_job": guid})
    assert beat.json()["commands"] == [{"type": "cancel_job", "job": guid}]
    stopped = agent.post(
        f"{API}/jobs/{guid}/fail",
        json={"claim_token": claimed["claim_token"], "error": "cancelled", "retryable": True},
    )
    assert stopped.json()["status"] == "cancelled"  # not re-queued, whatever the agent says
    [ended] = server.results()
    assert stopped.json()["result_guid"] == ended.guid
    assert (ended.status, ended.results_json) == ("CANCELLED", {"error": "cancelled"})


def test_failures_retry_with_backoff_then_fail(rig: tuple[Rig, str]) -> None:
    server, token = rig
    agent = server.agent(token, "one")
    guid = server.job(server.collection())
    claimed = claim(agent)
    answer = agent.post(
        f"{API}/jobs/{guid}/fail",
        json={"claim_token": claimed["claim_token"], "error": "disk busy", "retryable": True},
    )
    assert answer.json()["status"] == "queued" and answer.json()["result_guid"] is None
    assert server.results() == []  # not over yet
    assert claim(agent) is None  # backing off
    server.set_job(guid, not_before=utcnow() - timedelta(seconds=1))
    again = claim(agent)
    final = agent.post(
        f"{API}/jobs/{guid}/fail",
        json={"claim_token": again["claim_token"], "error": "path refused"},
    )
    assert final.json()["status"] == "failed"
    assert server.job_row(guid).error == "path refused"
    [failed] = server.results()
    assert final.json()["result_guid"] == failed.guid
    assert (failed.status, failed.results_json) == ("FAILED", {"error": "path refused"})


def test_no_change_copies_the_earlier_result(rig: tuple[Rig, str]) -> None:
    server, token = rig
    agent = server.agent(token, "one")
    collection = server.collection()
    server.job(collection)
    first = complete(agent, claim(agent), photostats_result(7)).json()["result_guid"]
    server.job(collection)
    second = claim(agent)
    wrong = no_change(agent, second, first, "b" * 64)
    assert wrong.status_code == 422
    copy = no_change(agent, second, first, HASH)
    assert copy.status_code == 200
    with server.session() as session:
        stored = session.scalar(select(Result).where(Result.guid == copy.json()["result_guid"]))
        assert stored.status == "NO_CHANGE" and stored.no_change_copy
        assert stored.results_json["total_files"] == 7


def test_a_failed_result_is_no_source_for_no_change(rig: tuple[Rig, str]) -> None:
    server, token = rig
    agent = server.agent(token, "one")
    collection = server.collection()
    first = server.job(collection)
    claimed = claim(agent)
    failed = agent.post(
        f"{API}/jobs/{first}/fail", json={"claim_token": claimed["claim_token"], "error": "x"}
    ).json()["result_guid"]
    server.job(collection)
    second = claim(agent)
    refused = no_change(agent, second, failed, HASH)
    assert "FAILED" in invalid(refused)


def test_completed_results_update_the_collections_numbers(rig: tuple[Rig, str]) -> None:
    server, token = rig
    agent = server.agent(token, "one")
    collection = server.collection(bound_to="one")
    server.job(collection)
    assert complete(agent, claim(agent), photostats_result(12)).status_code == 200
    pairing = PhotoPairingResult(
        group_count=2,
        image_count=5,
        file_count=6,
        camera_usage={"AB3D": 5},
        method_usage={},
        cameras={},
        invalid_file_count=0,
        invalid_names=[],
    ).model_dump(mode="json")
    body = {
        "idempotency_key": "offline-0002-abcd",
        "collection_guid": collection.guid,
        "result": pairing,
        "input_state_hash": HASH,
    }
    assert agent.post(f"{API}/results", json=body).status_code == 201
    with server.session() as session:
        stored = session.get_one(Collection, collection.id)
        assert (stored.file_count, stored.storage_bytes, stored.image_count) == (12, 30, 5)


def test_offline_upload_replayed_stores_one_result(rig: tuple[Rig, str]) -> None:
    server, token = rig
    agent = server.agent(token, "one")
    collection = server.collection(bound_to="one")
    body = {
        "idempotency_key": "offline-0001-abcd",
        "collection_guid": collection.guid,
        "result": photostats_result(),
        "input_state_hash": HASH,
    }
    first = agent.post(f"{API}/results", json=body)
    second = agent.post(f"{API}/results", json=body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["result_guid"] == second.json()["result_guid"]
    assert second.json()["created"] is False
    with server.session() as session:
        assert session.scalar(select(func.count()).select_from(Result)) == 1


def test_another_teams_job_is_not_found(rig: tuple[Rig, str], db_url: str) -> None:
    server, token = rig
    mine = server.agent(token, "one")
    guid = server.job(server.collection())
    claimed = claim(mine)
    team_with_token(db_url, "Elsewhere")
    stranger = server.agent("Elsewhere", "stranger")
    assert claim(stranger) is None
    probe = stranger.post(
        f"{API}/jobs/{guid}/progress", json={"claim_token": claimed["claim_token"]}
    )
    assert probe.status_code == 404


def test_long_poll_waits_for_a_job(rig: tuple[Rig, str]) -> None:
    server, token = rig
    agent = server.agent(token, "one")
    collection = server.collection()
    started = time.monotonic()
    assert claim(agent, wait=1) is None
    assert time.monotonic() - started >= 0.9
    timer = threading.Timer(0.6, lambda: server.job(collection))
    timer.start()
    claimed = claim(agent, wait=RECHECK + 3)
    timer.join()
    # Queued behind the app's back (no event): found when the claim asks again on its own.
    assert claimed is not None and time.monotonic() - started < RECHECK + 2


@pytest.mark.parametrize("bound", [True, False], ids=["bound", "any-agent"])
def test_a_job_queued_through_the_api_wakes_the_waiting_claim(
    rig: tuple[Rig, str], bound: bool
) -> None:
    server, token = rig
    agent = server.agent(token, "one")
    collection = server.collection(bound_to="one" if bound else None)
    admin = server.admin()

    def queue() -> None:
        path = f"/api/collections/{collection.guid}/jobs"
        assert admin.post(path, json={"tool": "photostats"}).status_code == 201

    timer = threading.Timer(0.5, queue)
    started = time.monotonic()
    timer.start()
    claimed = claim(agent, wait=20)
    timer.join()
    assert claimed is not None
    assert time.monotonic() - started < 0.5 + RECHECK / 2  # woken, not found by asking again


def test_a_long_poll_ends_when_its_agent_is_revoked(rig: tuple[Rig, str]) -> None:
    server, token = rig
    agent = server.agent(token, "one")
    collection = server.collection()

    def revoke_then_queue() -> None:
        with server.session() as session:
            session.execute(update(Agent).where(Agent.name == "one").values(revoked_at=utcnow()))
            session.commit()
        server.job(collection)

    timer = threading.Timer(0.6, revoke_then_queue)
    timer.start()
    answer = agent.post(f"{API}/jobs/claim", params={"wait": 5}, timeout=40)
    timer.join()
    assert answer.status_code == 401
    with server.session() as session:
        assert set(session.scalars(select(Job.status))) == {"queued"}


def test_agents_create_and_list_their_collections(rig: tuple[Rig, str]) -> None:
    server, token = rig
    agent = server.agent(token, "one")
    made = agent.post(f"{API}/collections", json={"name": "Weddings", "root_path": "/photos/w"})
    assert made.status_code == 201 and made.json()["guid"].startswith("col_")
    taken = agent.post(f"{API}/collections", json={"name": "Weddings", "root_path": "/photos/x"})
    assert taken.status_code == 409
    assert [c["name"] for c in agent.get(f"{API}/collections").json()] == ["Weddings"]


DEFINITION = {"name": "RAW", "nodes": [], "edges": []}


def add_pipeline(session: Session, team_id: int, name: str, *, default: bool = False) -> Pipeline:
    """A valid pipeline with versions 1 and 2 (the current one); each definition says its `v`."""
    pipeline = Pipeline(
        guid=new_guid("pip"),
        team_id=team_id,
        name=name,
        current_version=2,
        is_valid=True,
        is_active=True,
        is_default=default,
    )
    session.add(pipeline)
    session.flush()
    session.add_all(
        PipelineVersion(pipeline_id=pipeline.id, version=n, definition={**DEFINITION, "v": n})
        for n in (1, 2)
    )
    return pipeline


def test_a_claim_hands_over_the_pipeline_and_the_team_config(rig: tuple[Rig, str]) -> None:
    server, team = rig
    agent = server.agent(team, "one")
    collection = server.collection()
    with server.session() as session:
        owner = session.merge(collection)
        pipeline = add_pipeline(session, owner.team_id, "RAW")
        owner.pipeline_id, pipeline_guid = pipeline.id, pipeline.guid
        session.add(AnalysisConfig(team_id=owner.team_id, config={"require_sidecar": [".cr3"]}))
        session.commit()
    server.job(collection, "pipeline_validation")
    claimed = claim(agent)
    named = {"name": "RAW", "guid": pipeline_guid, "version": 2}
    assert claimed["pipeline"] == {**DEFINITION, "v": 2, **named}  # the current version
    assert claimed["config"] == {"require_sidecar": [".cr3"]}


def test_config_gives_the_team_config_and_the_pipelines_in_use(rig: tuple[Rig, str]) -> None:
    server, team = rig
    agent = server.agent(team, "one")
    mine = server.collection(bound_to="one")
    with server.session() as session:
        owner = session.merge(mine)
        add_pipeline(session, owner.team_id, "Default", default=True)
        owner.pipeline_id = add_pipeline(session, owner.team_id, "Pinned").id
        owner.pipeline_version = 1
        add_pipeline(session, owner.team_id, "Unused")
        session.commit()
    answer = agent.get(f"{API}/config").json()
    assert answer["config"]["require_sidecar"] == list(RAW_EXTENSIONS)
    assert (answer["default_pipeline"]["name"], answer["default_pipeline"]["version"]) == (
        "Default",
        2,
    )
    assert [(p["name"], p["version"], p["definition"]["v"]) for p in answer["pipelines"]] == [
        ("Pinned", 1, 1)
    ]
    [bound] = agent.get(f"{API}/collections").json()  # says which of them the collection uses
    assert bound["pipeline_guid"] == answer["pipelines"][0]["guid"]


def test_a_released_job_is_queued_again_without_spending_an_attempt(
    rig: tuple[Rig, str],
) -> None:
    server, token = rig
    agent = server.agent(token, "one")
    guid = server.job(server.collection())
    first = claim(agent)
    body = {"claim_token": first["claim_token"]}
    released = agent.post(f"{API}/jobs/{guid}/release", json=body)
    assert released.status_code == 200 and released.json()["status"] == "queued"
    assert agent.post(f"{API}/jobs/{guid}/release", json=body).status_code == 409
    again = claim(agent)
    assert again["job_guid"] == guid and again["attempt"] == 1
    server.set_job(guid, cancel_requested=True)
    cancelled = agent.post(f"{API}/jobs/{guid}/release", json={"claim_token": again["claim_token"]})
    assert cancelled.json()["status"] == "cancelled"
