"""Two teams side by side for isolation tests: team A holding one of every resource, team B
holding credentials only. Everything is made through the HTTP API and the agent protocol."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from shuttersense.coordinator.models import Job
from tests.coordinator.factories import db, photostats_result, signed_completion, signed_in
from tests.helpers.push_service import Browser
from tests.helpers.samples import PIPELINE

__all__ = [
    "AGENT_API",
    "ALPHA",
    "World",
    "build_world",
    "claim_job",
    "complete_job",
    "enrol_agent",
    "run_tool",
    "secrets_of",
    "snapshot",
]

AGENT_API = "/api/agent/v1"
ALPHA = "alpha"  # in every name, email and path of team A: its appearance in B's view is a leak
GUID = re.compile(r"\b[a-z]{3}_[0-9a-z]{26}\b")
_HASH = "c" * 64


@dataclass(frozen=True)
class World:
    """Team A's GUIDs by kind, and what each team calls the API with."""

    a_user: dict[str, str]
    a_agent: dict[str, str]
    b_user: dict[str, str]
    b_agent: dict[str, str]
    guids: dict[str, str]

    def new_b_registration_token(self, client: TestClient) -> str:
        return _registration_token(client, self.b_user)[1]


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _ok(answer: Any, status: int = 200) -> dict[str, Any]:
    assert answer.status_code == status, f"{answer.request.url}: {answer.text}"
    return answer.json() if answer.content else {}


def _registration_token(client: TestClient, user: dict[str, str]) -> tuple[str, str]:
    made = _ok(client.post("/api/agents/registration-tokens", headers=user, json={}), 201)
    return made["guid"], made["token"]


def enrol_agent(
    client: TestClient, user: dict[str, str], name: str, root: str
) -> tuple[str, dict[str, str]]:
    token = _registration_token(client, user)[1]
    body = {
        "registration_token": token,
        "name": name,
        "hostname": f"{name}.local",
        "authorized_roots": [root],
    }
    enrolled = _ok(client.post(f"{AGENT_API}/register", json=body), 201)
    return enrolled["agent_guid"], _bearer(enrolled["agent_key"])


def run_tool(
    client: TestClient, user: dict[str, str], collection: str, tool: str = "photostats"
) -> str:
    made = client.post(f"/api/collections/{collection}/jobs", headers=user, json={"tool": tool})
    return str(_ok(made, 201)["guid"])


def claim_job(client: TestClient, agent: dict[str, str]) -> dict[str, Any]:
    return _ok(client.post(f"{AGENT_API}/jobs/claim", headers=agent, params={"wait": 0}))


def complete_job(client: TestClient, agent: dict[str, str], claim: dict[str, Any]) -> str:
    guid = claim["job_guid"]
    body = signed_completion(claim, photostats_result(), _HASH)
    return str(
        _ok(client.post(f"{AGENT_API}/jobs/{guid}/complete", headers=agent, json=body))[
            "result_guid"
        ]
    )


def build_world(client: TestClient, db_url: str) -> World:
    """Team A: admin and member, API token, agent, pipeline, collection, a completed job with
    its result, a running job, a queued job any agent may take, an unused registration token,
    an open chunked upload, a browser subscribed to push notifications.
    Team B: an admin with an API token and an agent."""
    a_user = signed_in(client, db_url, f"admin@{ALPHA}.example", f"{ALPHA} team")
    a_member = signed_in(client, db_url, f"member@{ALPHA}.example", f"{ALPHA} team")
    b_user = signed_in(client, db_url, "admin@beta.example", "beta team")
    a_agent_guid, a_agent = enrol_agent(client, a_user, f"{ALPHA}-agent", f"/{ALPHA}")
    b_agent = enrol_agent(client, b_user, "beta-agent", "/beta")[1]
    pipeline = _ok(
        client.post(
            "/api/pipelines", headers=a_user, json={"name": f"{ALPHA}-flow", "definition": PIPELINE}
        ),
        201,
    )["guid"]
    made = {"name": f"{ALPHA}-shoot", "root_path": f"/{ALPHA}/photos", "agent": a_agent_guid}
    collection = _ok(client.post("/api/collections", headers=a_user, json=made), 201)["guid"]
    assigned = {"pipeline": pipeline}
    _ok(client.put(f"/api/collections/{collection}/pipeline", headers=a_user, json=assigned))
    daily = {"kind": "daily", "time": "02:30"}
    _ok(client.put(f"/api/collections/{collection}/schedule", headers=a_user, json=daily))
    _ok(client.patch("/api/team/settings", headers=a_user, json={"time_zone": "Europe/Paris"}))
    run_tool(client, a_user, collection)
    result = complete_job(client, a_agent, claim_job(client, a_agent))
    run_tool(client, a_user, collection)
    running = claim_job(client, a_agent)
    progress = {"claim_token": running["claim_token"], "percent": 10}
    _ok(
        client.post(
            f"{AGENT_API}/jobs/{running['job_guid']}/progress", headers=a_agent, json=progress
        )
    )
    queued = run_tool(client, a_user, collection, "photo_pairing")  # photostats is running
    with db(db_url) as session:  # open to every agent: a claim that ignored teams would take it
        session.execute(update(Job).where(Job.guid == queued).values(agent_id=None))
        session.commit()
    opened = {"collection_guid": collection, "idempotency_key": f"{ALPHA}-upload", "total_size": 9}
    upload = _ok(
        client.post(f"{AGENT_API}/uploads", headers=a_agent, json={**opened, "chunk_count": 1}),
        201,
    )["upload_guid"]
    api_token = _ok(client.get("/api/auth/tokens", headers=a_user))[0]["guid"]
    registration = _registration_token(client, a_user)[0]
    audit = _ok(client.get(f"/api/jobs/{running['job_guid']}", headers=a_user))["audit"]
    browser = Browser(f"https://push.example.com/{ALPHA}-browser").subscription()
    push = _ok(client.post("/api/push/subscriptions", headers=a_user, json=browser), 201)
    guids = {
        "agent": a_agent_guid,
        "audit": audit,
        "collection": collection,
        "pipeline": pipeline,
        "job": running["job_guid"],
        "queued_job": queued,
        "result": result,
        "api_token": api_token,
        "registration_token": registration,
        "upload": upload,
        "push_subscription": push["guid"],
        "user": _ok(client.get("/api/auth/me", headers=a_member))["guid"],
    }
    return World(a_user=a_user, a_agent=a_agent, b_user=b_user, b_agent=b_agent, guids=guids)


_VOLATILE = {"last_used_at", "last_login_at"}  # A's own calls move them


def _stable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in _VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def snapshot(client: TestClient, world: World) -> dict[str, Any]:
    """All of team A as A itself sees it, through the user API and its agent's protocol calls."""
    g = world.guids
    user_paths = [
        "/api/auth/me",
        "/api/auth/tokens",
        "/api/agents",
        "/api/agents/registration-tokens",
        "/api/collections",
        "/api/pipelines",
        "/api/jobs",
        "/api/results",
        "/api/config",
        "/api/audit",
        f"/api/agents/{g['agent']}",
        f"/api/collections/{g['collection']}",
        f"/api/collections/{g['collection']}/schedule",
        f"/api/pipelines/{g['pipeline']}",
        f"/api/pipelines/{g['pipeline']}/versions",
        f"/api/jobs/{g['job']}",
        f"/api/jobs/{g['queued_job']}",
        f"/api/audits/{g['audit']}",
        f"/api/results/{g['result']}",
        "/api/users",
        "/api/team",
        "/api/team/settings",
        "/api/push/subscriptions",
        "/api/push/preferences",
    ]
    seen = {path: _ok(client.get(path, headers=world.a_user)) for path in user_paths}
    report = client.get(f"/api/collections/{g['collection']}/report", headers=world.a_user)
    assert report.status_code == 200, report.text
    seen["report"] = report.text
    for path in ("/collections", "/config", "/pool-status"):
        seen[AGENT_API + path] = _ok(client.get(AGENT_API + path, headers=world.a_agent))
    return _stable(seen)


def secrets_of(view: dict[str, Any]) -> set[str]:
    """What B must never read: every GUID in A's view of itself (A's names all hold ALPHA)."""
    return set(GUID.findall(json.dumps(view))) | {ALPHA}
