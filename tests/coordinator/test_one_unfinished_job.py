"""One unfinished job per collection and tool: queueing it again answers the job already queued
or running (200 instead of 201), also when the requests come at once (both databases)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.orm import Session

from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.ids import new_guid
from shuttersense.coordinator.migrate import upgrade
from shuttersense.coordinator.models import Collection, Job
from shuttersense.coordinator.services.accounts import create_user
from shuttersense.coordinator.services.jobs import create_job
from shuttersense.coordinator.settings import Settings
from tests.coordinator.factories import PASSWORD, audit_actions, db, signed_in
from tests.coordinator.test_jobs_api import add_collection, run, set_job

AGENT_API = "/api/agent/v1"


@pytest.fixture
def studio(client: TestClient, db_url: str) -> tuple[dict[str, str], str]:
    headers = signed_in(client, db_url, "admin@studio.example", "Studio")
    return headers, add_collection(db_url, "admin@studio.example")


def post(client: TestClient, headers: dict[str, str], collection: str, tool: str) -> tuple:
    answer = client.post(
        f"/api/collections/{collection}/jobs", json={"tool": tool}, headers=headers
    )
    return answer.status_code, answer.json()


def job_count(url: str) -> int:
    with db(url) as session:
        return session.scalar(select(func.count()).select_from(Job)) or 0


@pytest.mark.parametrize("state", ["queued", "claimed", "running"])
def test_queueing_again_answers_the_unfinished_job(
    client: TestClient, db_url: str, studio: tuple, state: str
) -> None:
    headers, collection = studio
    first = run(client, headers, collection, "photostats")
    set_job(db_url, first["guid"], status=state)

    status, again = post(client, headers, collection, "photostats")

    assert status == 200
    assert (again["guid"], again["status"]) == (first["guid"], state)
    assert job_count(db_url) == 1
    assert audit_actions(db_url, first["guid"]) == ["job.created"]  # asking again is no change
    other_tool = post(client, headers, collection, "photo_pairing")
    other_collection = add_collection(db_url, "admin@studio.example", name="Portraits")
    assert other_tool[0] == post(client, headers, other_collection, "photostats")[0] == 201


@pytest.mark.parametrize("final", ["completed", "no_change", "failed", "cancelled"])
def test_a_finished_job_does_not_stand_in_the_way(
    client: TestClient, db_url: str, studio: tuple, final: str
) -> None:
    headers, collection = studio
    first = run(client, headers, collection, "photostats")
    set_job(db_url, first["guid"], status=final)

    status, second = post(client, headers, collection, "photostats")

    assert status == 201 and second["guid"] != first["guid"] and second["status"] == "queued"


def test_retry_while_the_tool_is_queued_again_answers_that_job(
    client: TestClient, db_url: str, studio: tuple
) -> None:
    headers, collection = studio
    failed = run(client, headers, collection, "photostats")["guid"]
    set_job(db_url, failed, status="failed")
    queued = run(client, headers, collection, "photostats")["guid"]

    retried = client.post(f"/api/jobs/{failed}/retry", headers=headers)

    assert retried.status_code == 200 and retried.json()["guid"] == queued
    assert retried.json()["collection"] == collection
    assert audit_actions(db_url, queued) == ["job.created"]  # no job.retried: nothing was made


def test_requests_at_once_on_several_instances_queue_one_job(
    settings: Settings, db_url: str
) -> None:
    with ExitStack() as stack:
        clients = [
            stack.enter_context(TestClient(create_app(settings, sweep_interval=None)))
            for _ in range(4)
        ]
        headers = signed_in(clients[0], db_url, "admin@studio.example", "Studio")
        collection = add_collection(db_url, "admin@studio.example")
        # FastAPI builds a route on its first request, muting a pydantic warning around that
        # with warnings.catch_warnings, which threads undo for each other: build it first.
        for client in clients:
            assert post(client, headers, new_guid("col"), "photostats")[0] == 404
        start = threading.Barrier(8)

        def ask(index: int) -> tuple:
            start.wait()
            return post(clients[index % 4], headers, collection, "photostats")

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(ask, range(8)))

    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * 7 + [201]
    assert len({job["guid"] for _, job in answers}) == 1
    assert job_count(db_url) == 1


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_second_insert_waits_for_the_first_and_then_finds_its_job(db_url: str) -> None:
    """The race itself, on PostgreSQL: while one transaction has queued the job and not yet
    committed, a second one queueing the same tool waits on the index, then answers the first
    one's job instead of adding its own."""
    add_collection_for_team(db_url)
    engine = create_engine(db_url)
    try:
        with Session(engine) as first, Session(engine) as second:
            target = first.scalars(select(Collection)).one()
            made = create_job(first, target, "photostats")
            pid = first.scalar(text("SELECT pg_backend_pid()"))
            with ThreadPoolExecutor(1) as pool:
                waiting = pool.submit(
                    lambda: create_job(second, second.get_one(Collection, target.id), "photostats")
                )
                wait_until_blocked(engine, pid)
                first.commit()
                found = waiting.result(timeout=30)
            second.commit()
    finally:
        engine.dispose()
    assert made.created and not found.created
    assert found.job.guid == made.job.guid
    assert job_count(db_url) == 1


def add_collection_for_team(url: str) -> None:
    with db(url) as session:
        create_user(session, "admin@studio.example", PASSWORD, team="Studio")
    add_collection(url, "admin@studio.example")


def wait_until_blocked(engine: Engine, holder: int) -> None:
    """Until some session waits for a lock that the session `holder` holds."""
    query = text("SELECT count(*) FROM pg_stat_activity WHERE :holder = ANY(pg_blocking_pids(pid))")
    deadline = time.monotonic() + 30
    with engine.connect() as connection:
        while connection.execute(query, {"holder": holder}).scalar_one() == 0:
            assert time.monotonic() < deadline, "the second insert never waited for the first"
            time.sleep(0.02)
            connection.rollback()


def test_the_migration_cancels_duplicates_made_before_it(empty_db_url: str) -> None:
    upgrade(empty_db_url, "0006")
    rows = [  # (tool, status): per tool the job furthest along stays, the oldest among equals
        ("photostats", "queued"),
        ("photostats", "running"),
        ("photostats", "queued"),
        ("photo_pairing", "queued"),
        ("photo_pairing", "queued"),
        ("photo_pairing", "failed"),
        ("pipeline_validation", "claimed"),
    ]
    engine = create_engine(empty_db_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO teams (id, guid, name, settings, created_at)"
                " VALUES (1, 'ten_1', 'Studio', '{}', CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO collections (id, guid, team_id, name, root_path, created_at)"
                " VALUES (1, 'col_1', 1, 'c', '/p', CURRENT_TIMESTAMP)"
            )
        )
        for index, (tool, status) in enumerate(rows):
            connection.execute(
                text(
                    "INSERT INTO jobs (guid, team_id, collection_id, tool, status, parameters,"
                    " attempts, max_attempts, cancel_requested, progress, created_at)"
                    " VALUES (:guid, 1, 1, :tool, :status, '{}', 0, 3, false, '{}',"
                    " CURRENT_TIMESTAMP)"
                ),
                {"guid": f"job_{index}", "tool": tool, "status": status},
            )
    engine.dispose()

    upgrade(empty_db_url)

    engine = create_engine(empty_db_url)
    with engine.connect() as connection:
        found = {
            row.guid: row.status
            for row in connection.execute(text("SELECT guid, status FROM jobs"))
        }
    engine.dispose()
    assert found == {
        "job_0": "cancelled",
        "job_1": "running",
        "job_2": "cancelled",
        "job_3": "queued",
        "job_4": "cancelled",
        "job_5": "failed",
        "job_6": "claimed",
    }
