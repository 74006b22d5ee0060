"""A team with an agent and a collection whose jobs tests make fail, and a push service on
127.0.0.1: shared by the push tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shuttersense.coordinator.models import PushSubscription
from tests.coordinator.factories import db, photostats_result, signed_completion
from tests.coordinator.tenants import AGENT_API, claim_job, enrol_agent, run_tool
from tests.helpers.push_service import Browser, PushService, push_service

__all__ = ["Studio", "make_studio", "service"]


@dataclass
class Studio:
    client: TestClient
    db_url: str
    admin: dict[str, str]
    agent: dict[str, str]
    collection: str

    def fail_a_job(self, error: str = "the disk is gone") -> str:
        run_tool(self.client, self.admin, self.collection)
        claim = claim_job(self.client, self.agent)
        failed = self.client.post(
            f"{AGENT_API}/jobs/{claim['job_guid']}/fail",
            headers=self.agent,
            json={"claim_token": claim["claim_token"], "error": error, "retryable": False},
        )
        assert failed.status_code == 200, failed.text
        return str(claim["job_guid"])

    def complete_a_job(self, orphans: list[str]) -> str:
        """A PhotoStats job finished with `orphans` as its orphaned images; its result GUID."""
        run_tool(self.client, self.admin, self.collection)
        claim = claim_job(self.client, self.agent)
        result = photostats_result(total=10)
        result["orphaned_images"] = {"count": len(orphans), "by_folder": {"": orphans}}
        body = signed_completion(claim, result, f"{len(orphans):064d}")
        done = self.client.post(
            f"{AGENT_API}/jobs/{claim['job_guid']}/complete", headers=self.agent, json=body
        )
        assert done.status_code == 200, done.text
        return str(done.json()["result_guid"])

    def subscribe(self, browser: Browser) -> str:
        made = self.client.post(
            "/api/push/subscriptions", headers=self.admin, json=browser.subscription()
        )
        assert made.status_code == 201, made.text
        return str(made.json()["guid"])

    def subscriptions(self) -> list[str]:
        with db(self.db_url) as session:
            return list(session.scalars(select(PushSubscription.guid)))


def make_studio(client: TestClient, db_url: str, admin: dict[str, str]) -> Studio:
    """`admin`'s team with an agent and a collection, Weddings."""
    agent_guid, agent = enrol_agent(client, admin, "studio-agent", "/photos")
    made = {"name": "Weddings", "root_path": "/photos/weddings", "agent": agent_guid}
    collection = client.post("/api/collections", headers=admin, json=made)
    assert collection.status_code == 201, collection.text
    return Studio(client, db_url, admin, agent, collection.json()["guid"])


@pytest.fixture
def service() -> Iterator[PushService]:
    """A push service on 127.0.0.1 that answers 201 until told otherwise."""
    with push_service() as running:
        yield running
