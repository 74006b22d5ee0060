"""A heartbeat renews the jobs its agent names and releases the ones it no longer knows (an
agent restarted at once after a kill): re-queued as a lost attempt, failed when out of attempts,
cancelled when cancellation was asked for; never a claim the heartbeat could not know of yet.
Both databases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from shuttersense.coordinator.models import Collection, Job, Result
from shuttersense.coordinator.models.base import utcnow
from shuttersense.coordinator.services import agents
from shuttersense.coordinator.services.jobs import create_job
from shuttersense.coordinator.services.leases import LOST_BY_AGENT
from shuttersense.coordinator.services.sweeper import sweep
from tests.coordinator.factories import db, signed_in
from tests.coordinator.test_agents_api import agent_headers, register
from tests.coordinator.test_jobs_api import add_collection
from tests.coordinator.test_jobs_api import set_job as set_job_values

API = "/api/agent/v1"


@dataclass(frozen=True)
class Studio:
    """A team's admin (bearer headers), a collection of the team and an agent's key."""

    client: TestClient
    db_url: str
    admin: dict[str, str]
    collection: str
    key: str

    @property
    def agent(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def queue(self, tool: str = "photostats", max_attempts: int = 3) -> str:
        with db(self.db_url) as session:
            target = session.scalar(select(Collection).where(Collection.guid == self.collection))
            guid = create_job(session, target, tool, max_attempts=max_attempts).job.guid
            session.commit()
            return guid

    def claim(self) -> dict[str, Any]:
        answer = self.client.post(f"{API}/jobs/claim", params={"wait": 0}, headers=self.agent)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def beat(self, **report: Any) -> list[dict[str, str]]:
        answer = self.client.post(
            f"{API}/heartbeat", json={"status": "idle", **report}, headers=self.agent
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["commands"]

    def job(self, guid: str) -> Job:
        with db(self.db_url) as session:
            return session.scalar(select(Job).where(Job.guid == guid))

    def results(self, guid: str) -> list[Result]:
        with db(self.db_url) as session:
            job_id = session.scalar(select(Job.id).where(Job.guid == guid))
            return list(session.scalars(select(Result).where(Result.job_id == job_id)))

    def lease_soon(self, guid: str) -> None:
        """Bring the job's lease close to its end, so a renewal shows."""
        set_job_values(self.db_url, guid, lease_expires_at=utcnow() + timedelta(seconds=5))


@pytest.fixture
def studio(client: TestClient, db_url: str) -> Studio:
    admin = signed_in(client, db_url, "admin@studio.example", "Studio")
    collection = add_collection(db_url, "admin@studio.example")
    return Studio(client, db_url, admin, collection, register(client, admin)["agent_key"])


def test_the_jobs_a_heartbeat_names_are_renewed(studio: Studio) -> None:
    running, kept = studio.queue(), studio.queue("photo_pairing")
    studio.claim(), studio.claim()
    studio.lease_soon(running), studio.lease_soon(kept)
    studio.beat(status="busy", current_job=running, kept_jobs=[kept], claim_in_flight=False)
    for guid in (running, kept):
        job = studio.job(guid)
        assert job.status == "claimed" and job.attempts == 1
        assert job.lease_expires_at > utcnow() + timedelta(seconds=60)


def test_a_job_its_agent_no_longer_knows_is_queued_again_as_a_lost_attempt(
    studio: Studio,
) -> None:
    guid = studio.queue()
    first = studio.claim()
    assert studio.beat(claim_in_flight=False) == []  # a restarted agent: idle, no job
    job = studio.job(guid)
    assert (job.status, job.attempts, job.lease_expires_at) == ("queued", 1, None)
    assert job.error == LOST_BY_AGENT
    late = studio.client.post(
        f"{API}/jobs/{guid}/progress",
        json={"claim_token": first["claim_token"], "percent": 50},
        headers=studio.agent,
    )
    assert late.status_code == 409  # the old claim reports no more
    again = studio.claim()
    assert (again["job_guid"], again["attempt"]) == (guid, 2)


def test_a_lost_job_out_of_attempts_fails_with_a_failed_result(studio: Studio) -> None:
    guid = studio.queue(max_attempts=1)
    studio.claim()
    studio.beat(claim_in_flight=False)
    job = studio.job(guid)
    assert job.status == "failed" and job.error == f"{LOST_BY_AGENT} on all 1 attempts"
    [failed] = studio.results(guid)
    assert failed.status == "FAILED" and failed.results_json == {"error": job.error}


def test_cancelling_a_job_its_agent_lost_ends_it(studio: Studio) -> None:
    guid = studio.queue()
    studio.claim()
    asked = studio.client.post(f"/api/jobs/{guid}/cancel", headers=studio.admin)
    assert asked.status_code == 200 and asked.json()["cancel_requested"] is True
    studio.beat(claim_in_flight=False)
    job = studio.job(guid)
    assert job.status == "cancelled" and job.attempts == 1  # not queued again
    [ended] = studio.results(guid)
    assert ended.status == "CANCELLED" and ended.results_json == {"error": job.error}
    retried = studio.client.post(f"/api/jobs/{guid}/retry", headers=studio.admin)
    assert retried.status_code == 201, retried.text


def test_while_a_claim_is_in_flight_the_newest_claim_is_left_alone(studio: Studio) -> None:
    older, newest = studio.queue(), studio.queue("photo_pairing")
    studio.claim(), studio.claim()
    studio.lease_soon(newest)
    set_job_values(studio.db_url, newest, cancel_requested=True)
    commands = studio.beat()  # claim_in_flight is true unless the agent says otherwise
    assert studio.job(older).status == "queued"
    untouched = studio.job(newest)
    assert untouched.status == "claimed"
    assert untouched.lease_expires_at < utcnow() + timedelta(seconds=60)  # not renewed
    assert commands == [{"type": "cancel_job", "job": newest}]  # in case it is the agent's


def test_a_claim_made_after_the_heartbeat_arrived_is_left_alone(
    studio: Studio,
) -> None:
    guid = studio.queue()
    arrived = utcnow()  # the heartbeat reached the coordinator; then a claim overtook it
    studio.claim()
    with db(studio.db_url) as session:
        report = {"status": "idle", "claim_in_flight": False}
        assert agents.heartbeat(session, studio.key, report, arrived) == []
    assert studio.job(guid).status == "claimed"
    studio.beat(claim_in_flight=False)  # a heartbeat after the claim: it is lost
    assert studio.job(guid).status == "queued"


def test_another_agents_jobs_are_not_touched(studio: Studio) -> None:
    guid = studio.queue()
    studio.claim()
    other = register(studio.client, studio.admin, "pc")
    answer = studio.client.post(
        f"{API}/heartbeat",
        json={"status": "idle", "claim_in_flight": False},
        headers=agent_headers(other),
    )
    assert answer.status_code == 200
    assert studio.job(guid).status == "claimed"


def test_the_sweeper_ends_an_expired_cancelled_job_as_cancelled(studio: Studio) -> None:
    guid = studio.queue()
    studio.claim()
    with db(studio.db_url) as session:
        session.execute(
            update(Job)
            .where(Job.guid == guid)
            .values(cancel_requested=True, lease_expires_at=utcnow() - timedelta(seconds=1))
        )
        session.commit()
        assert sweep(session)["cancelled"] == 1
    assert studio.job(guid).status == "cancelled"
    assert [r.status for r in studio.results(guid)] == ["CANCELLED"]
