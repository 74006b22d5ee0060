"""Tenant isolation over every route the app serves (both databases).

Team B calls each route with team A's GUIDs in the path (and in the payload where one takes a
GUID): user routes with B's admin API token, agent-protocol routes with B's agent key. A route
naming A's resource must answer 404 or 403; no answer may carry A's GUIDs or names (beyond the
GUID the request itself sent), and A's data must be the same afterwards.

The routes come from the app, so a new route is walked as soon as it exists. Only routes without
a GUID in the path are listed here, each with the statuses that are honest for it and why.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount
from starlette.websockets import WebSocketDisconnect

from tests.coordinator.factories import photostats_result
from tests.coordinator.tenants import AGENT_API, World, build_world, secrets_of, snapshot
from tests.helpers.push_service import Browser
from tests.helpers.samples import PIPELINE

Payload = Callable[[World, TestClient], dict[str, Any]]


@dataclass(frozen=True)
class Call:
    """What B sends on a route: a JSON body and query parameters, made from the world."""

    body: Payload | None = None
    query: Payload = field(default=lambda world, client: {})
    content: bytes | None = None  # a raw body instead of JSON
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Unscoped:
    """A route without a GUID in its path: the statuses that are honest for B, and why."""

    statuses: frozenset[int]
    reason: str


def _statuses(*codes: int) -> frozenset[int]:
    return frozenset(codes)


def _form(**fields: str) -> Call:
    """A dashboard form, as a browser posts it."""
    return Call(
        content=urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


_CLAIM = {"claim_token": "clm_not-b-s-claim"}

# Valid payloads, so each request reaches the team lookup instead of failing validation.
CALLS: dict[tuple[str, str], Call] = {
    ("POST", f"{AGENT_API}/register"): Call(
        lambda w, c: {"registration_token": w.new_b_registration_token(c), "name": "beta-2"}
    ),
    ("POST", f"{AGENT_API}/heartbeat"): Call(lambda w, c: {"status": "idle"}),
    # A key no agent holds: B's agent must stay registered for the routes after this one.
    ("POST", f"{AGENT_API}/deregister"): Call(headers={"Authorization": "Bearer agt_key_none"}),
    ("POST", f"{AGENT_API}/collections"): Call(
        lambda w, c: {"name": "beta-shoot", "root_path": "/beta/photos"}
    ),
    ("POST", f"{AGENT_API}/jobs/claim"): Call(query=lambda w, c: {"wait": 0}),
    ("POST", f"{AGENT_API}/audits/claim"): Call(query=lambda w, c: {"wait": 0}),
    ("POST", f"{AGENT_API}/audits/{{guid}}/progress"): Call(lambda w, c: {**_CLAIM, "percent": 5}),
    ("POST", f"{AGENT_API}/audits/{{guid}}/complete"): Call(
        lambda w, c: {
            **_CLAIM,
            "outcomes": [{"kind": "fail", "job_guid": w.guids["job"], "error": "gave up"}],
        }
    ),
    ("POST", "/api/collections/{guid}/audits"): Call(lambda w, c: {"tools": ["photostats"]}),
    ("POST", f"{AGENT_API}/jobs/{{guid}}/progress"): Call(lambda w, c: {**_CLAIM, "percent": 5}),
    ("POST", f"{AGENT_API}/jobs/{{guid}}/complete"): Call(
        lambda w, c: {**_CLAIM, "result": photostats_result(), "signature": "0" * 64}
    ),
    ("POST", f"{AGENT_API}/jobs/{{guid}}/no-change"): Call(
        lambda w, c: {
            **_CLAIM,
            "input_state_hash": "c" * 64,
            "source_result_guid": w.guids["result"],
        }
    ),
    ("POST", f"{AGENT_API}/jobs/{{guid}}/fail"): Call(
        lambda w, c: {**_CLAIM, "error": "gave up", "retryable": False}
    ),
    ("POST", f"{AGENT_API}/results"): Call(
        lambda w, c: {
            "idempotency_key": "beta-upload",
            "collection_guid": w.guids["collection"],
            "result": photostats_result(),
        }
    ),
    ("POST", "/api/auth/login"): Call(
        lambda w, c: {"email": "admin@beta.example", "password": "correct horse battery"}
    ),
    ("POST", "/api/auth/tokens"): Call(lambda w, c: {"name": "beta-script"}),
    ("GET", "/api/audit"): Call(query=lambda w, c: {"target": w.guids["collection"]}),
    ("GET", "/api/jobs"): Call(query=lambda w, c: {"collection": w.guids["collection"]}),
    ("GET", "/api/results"): Call(query=lambda w, c: {"collection": w.guids["collection"]}),
    ("POST", "/api/collections/{guid}/jobs"): Call(lambda w, c: {"tool": "photostats"}),
    ("POST", "/api/agents/registration-tokens"): Call(lambda w, c: {}),
    ("PATCH", "/api/agents/{guid}"): Call(lambda w, c: {"name": "beta-renamed"}),
    ("POST", "/api/collections"): Call(
        lambda w, c: {"name": "beta-c", "root_path": "/beta", "agent": w.guids["agent"]}
    ),
    ("PATCH", "/api/collections/{guid}"): Call(lambda w, c: {"name": "beta-renamed"}),
    ("PUT", "/api/collections/{guid}/pipeline"): Call(
        lambda w, c: {"pipeline": w.guids["pipeline"]}
    ),
    ("POST", "/api/pipelines"): Call(lambda w, c: {"name": "beta-flow", "definition": PIPELINE}),
    ("POST", "/api/pipelines/validate"): Call(lambda w, c: {"definition": PIPELINE}),
    ("POST", "/api/pipelines/import"): Call(
        lambda w, c: {"name": "beta-imported", "text": json.dumps(PIPELINE)}
    ),
    ("PUT", "/api/pipelines/{guid}"): Call(lambda w, c: {"definition": PIPELINE}),
    ("PUT", "/api/config"): Call(lambda w, c: {}),
    ("POST", f"{AGENT_API}/jobs/{{guid}}/release"): Call(lambda w, c: _CLAIM),
    ("POST", f"{AGENT_API}/uploads"): Call(
        lambda w, c: {"job_guid": w.guids["job"], **_CLAIM, "total_size": 9, "chunk_count": 1}
    ),
    ("PUT", f"{AGENT_API}/uploads/{{guid}}/chunks/{{position}}"): Call(
        content=b"beta-data",
        headers={
            "Content-Type": "application/octet-stream",
            "X-Chunk-SHA256": hashlib.sha256(b"beta-data").hexdigest(),
        },
    ),
    ("POST", f"{AGENT_API}/uploads/{{guid}}/finish"): Call(lambda w, c: {"sha256": "0" * 64}),
    ("POST", "/api/users"): Call(
        lambda w, c: {"email": "new@beta.example", "password": "long enough pw"}
    ),
    ("PATCH", "/api/users/{guid}"): Call(lambda w, c: {"is_active": False}),
    ("PATCH", "/api/team"): Call(lambda w, c: {"name": "beta renamed"}),
    ("GET", "/api/trends/{tool}"): Call(
        query=lambda w, c: {"collection_guids": w.guids["collection"]}
    ),
    ("GET", "/api/trends/{tool}/summary"): Call(
        query=lambda w, c: {"collection_guids": w.guids["collection"]}
    ),
    ("PUT", "/api/collections/{guid}/schedule"): Call(
        lambda w, c: {"kind": "weekly", "time": "04:00", "weekday": "sunday"}
    ),
    ("PATCH", "/api/team/settings"): Call(lambda w, c: {"time_zone": "Asia/Tokyo"}),
    ("POST", "/api/push/subscriptions"): Call(
        lambda w, c: Browser("https://push.example.com/beta-browser").subscription()
    ),
    ("PUT", "/api/push/preferences"): Call(lambda w, c: {"results_ready": True}),
    # The dashboard's forms: B's API token needs no CSRF token, so each reaches its lookup.
    ("POST", "/login"): _form(
        email="admin@beta.example", password="correct horse battery", csrf="x"
    ),
    ("POST", "/logout"): _form(),
    ("POST", "/setup"): _form(email="x@beta.example", password="long enough pw", team="t"),
    ("POST", "/collections/{guid}/run"): _form(tool="photostats"),
    ("POST", "/jobs/{guid}/cancel"): _form(back="/jobs"),
    ("POST", "/jobs/{guid}/retry"): _form(back="/jobs"),
    ("POST", "/settings/agents/registration-tokens"): _form(name="beta", expires_hours="1"),
    ("POST", "/settings/agents/{guid}/rename"): _form(name="beta-renamed"),
    ("POST", "/settings/agents/{guid}/revoke"): _form(),
    ("POST", "/settings/users"): _form(email="n@beta.example", password="long enough pw"),
    ("POST", "/settings/users/{guid}"): _form(role="member", active="no"),
    ("POST", "/settings/tokens"): _form(name="beta-script"),
    ("POST", "/settings/tokens/{guid}/revoke"): _form(),
    ("POST", "/settings/notifications"): _form(job_failed="on"),
}

_OWN = "acts on B's own team only"
UNSCOPED: dict[tuple[str, str], Unscoped] = {
    ("GET", "/api/openapi.json"): Unscoped(_statuses(200), "the public API description"),
    ("GET", "/api/docs"): Unscoped(_statuses(200), "the API explorer page"),
    ("STATIC", "/api/docs/assets"): Unscoped(frozenset(), "the explorer's script and styles"),
    ("GET", "/health"): Unscoped(_statuses(200), "liveness, no team data"),
    ("GET", "/metrics"): Unscoped(_statuses(200), "counts over all teams, no GUID or name"),
    ("GET", "/api/audit"): Unscoped(_statuses(200), f"{_OWN}; A's GUID as a filter finds none"),
    ("POST", f"{AGENT_API}/register"): Unscoped(_statuses(201), "spends B's own token"),
    ("POST", f"{AGENT_API}/heartbeat"): Unscoped(_statuses(200), "the calling agent itself"),
    ("POST", f"{AGENT_API}/deregister"): Unscoped(
        _statuses(401), "the calling agent itself (test_agent_deregister.py: A untouched)"
    ),
    ("GET", f"{AGENT_API}/pool-status"): Unscoped(_statuses(200), _OWN),
    ("GET", f"{AGENT_API}/collections"): Unscoped(_statuses(200), "the agent's own collections"),
    ("POST", f"{AGENT_API}/collections"): Unscoped(_statuses(201), _OWN),
    ("GET", f"{AGENT_API}/config"): Unscoped(_statuses(200), _OWN),
    ("POST", f"{AGENT_API}/jobs/claim"): Unscoped(_statuses(204), "B has no job; A's is not B's"),
    ("POST", f"{AGENT_API}/audits/claim"): Unscoped(
        _statuses(204), "B has no audit; A's isn't B's"
    ),
    ("POST", f"{AGENT_API}/results"): Unscoped(_statuses(404), "A's collection GUID in the body"),
    ("POST", "/api/auth/login"): Unscoped(_statuses(200), "B signs in as B"),
    ("POST", "/api/auth/logout"): Unscoped(_statuses(204), "no session: nothing to end"),
    ("GET", "/api/auth/me"): Unscoped(_statuses(200), "the caller"),
    ("GET", "/api/auth/tokens"): Unscoped(_statuses(200), "the caller's tokens"),
    ("POST", "/api/auth/tokens"): Unscoped(_statuses(201), "a token for the caller"),
    ("GET", "/api/jobs"): Unscoped(_statuses(200, 404), f"{_OWN}; A's collection as filter"),
    ("GET", "/api/results"): Unscoped(_statuses(200, 404), f"{_OWN}; A's collection as filter"),
    ("GET", "/api/agents"): Unscoped(_statuses(200), _OWN),
    ("GET", "/api/agents/pool-status"): Unscoped(_statuses(200), _OWN),
    ("GET", "/api/agents/registration-tokens"): Unscoped(_statuses(200), _OWN),
    ("POST", "/api/agents/registration-tokens"): Unscoped(_statuses(201), _OWN),
    ("GET", "/api/collections"): Unscoped(_statuses(200), _OWN),
    ("POST", "/api/collections"): Unscoped(_statuses(404), "A's agent GUID in the body"),
    ("GET", "/api/pipelines"): Unscoped(_statuses(200), _OWN),
    ("POST", "/api/pipelines"): Unscoped(_statuses(201), _OWN),
    ("POST", "/api/pipelines/validate"): Unscoped(_statuses(200), "stores nothing"),
    ("POST", "/api/pipelines/import"): Unscoped(_statuses(201), _OWN),
    ("GET", "/api/config"): Unscoped(_statuses(200), _OWN),
    ("PUT", "/api/config"): Unscoped(_statuses(200), _OWN),
    ("POST", f"{AGENT_API}/uploads"): Unscoped(_statuses(404), "A's job GUID in the body"),
    ("GET", "/api/trends/{tool}"): Unscoped(_statuses(404), "A's collection GUID as a filter"),
    ("GET", "/api/trends/{tool}/summary"): Unscoped(_statuses(404), "A's collection GUID"),
    ("GET", "/api/users"): Unscoped(_statuses(200), _OWN),
    ("POST", "/api/users"): Unscoped(_statuses(201), "a user in B's own team"),
    ("GET", "/api/team"): Unscoped(_statuses(200), "the caller's team"),
    ("PATCH", "/api/team"): Unscoped(_statuses(200), "renames B's own team"),
    ("GET", "/api/team/settings"): Unscoped(_statuses(200), "the caller's team's settings"),
    ("PATCH", "/api/team/settings"): Unscoped(_statuses(200), "B's own team's settings"),
    ("POST", "/api/collections/run-all"): Unscoped(_statuses(200), "B's own collections (none)"),
    ("GET", "/api/push/vapid-public-key"): Unscoped(_statuses(200), "public: browsers need it"),
    ("GET", "/api/push/subscriptions"): Unscoped(_statuses(200), "the caller's browsers"),
    ("POST", "/api/push/subscriptions"): Unscoped(_statuses(201), "a browser of the caller"),
    ("GET", "/api/push/preferences"): Unscoped(_statuses(200), "the caller's choices"),
    ("PUT", "/api/push/preferences"): Unscoped(_statuses(200), "the caller's choices"),
    # The dashboard (redirects followed: each ends on one of B's own pages).
    ("GET", "/"): Unscoped(_statuses(200), "B's overview"),
    ("GET", "/login"): Unscoped(_statuses(200), "the sign-in page"),
    ("GET", "/setup"): Unscoped(_statuses(200), "the instance has users: the sign-in page"),
    ("POST", "/login"): Unscoped(_statuses(403), "no pre-session CSRF cookie"),
    ("POST", "/logout"): Unscoped(_statuses(200), "no session to end: the sign-in page"),
    ("POST", "/setup"): Unscoped(_statuses(403), "no pre-session CSRF cookie"),
    ("GET", "/collections"): Unscoped(_statuses(200), _OWN),
    ("GET", "/jobs"): Unscoped(_statuses(200), _OWN),
    ("GET", "/settings"): Unscoped(_statuses(200), "B's own settings"),
    ("GET", "/settings/agents"): Unscoped(_statuses(200), _OWN),
    ("POST", "/settings/agents/registration-tokens"): Unscoped(_statuses(200), _OWN),
    ("GET", "/settings/users"): Unscoped(_statuses(200), _OWN),
    ("POST", "/settings/users"): Unscoped(_statuses(200), "a user in B's own team"),
    ("GET", "/settings/tokens"): Unscoped(_statuses(200), "the caller's tokens"),
    ("POST", "/settings/tokens"): Unscoped(_statuses(200), "a token for the caller"),
    ("GET", "/settings/notifications"): Unscoped(_statuses(200), "the caller's choices"),
    ("POST", "/settings/notifications"): Unscoped(_statuses(200), "the caller's choices"),
    ("GET", "/manifest.webmanifest"): Unscoped(_statuses(200), "the app's manifest, no data"),
    ("GET", "/sw.js"): Unscoped(_statuses(200), "the service worker's script"),
    ("GET", "/assets/{name}"): Unscoped(_statuses(404), "the package's files, by hashed name"),
    ("WS", "/api/tools/ws/jobs"): Unscoped(frozenset(), "the caller's own team's jobs"),
}

# Which of A's GUIDs goes into `{guid}`: by the path segment before it.
GUID_KINDS = {
    "agents": "agent",
    "collections": "collection",
    "pipelines": "pipeline",
    "jobs": "job",
    "audits": "audit",
    "results": "result",
    "tokens": "api_token",
    "registration-tokens": "registration_token",
    "uploads": "upload",
    "users": "user",
    "subscriptions": "push_subscription",
}
OTHER_PARAMETERS = {
    "{version}": "1",
    "{position}": "0",
    "{tool}": "photostats",
    "{name}": "app.000000000000.css",
}


def app_routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """(method, path) of every route the app serves, in or out of the OpenAPI document;
    WebSocket routes as ("WS", path), folders of static files as ("STATIC", path)."""
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, Mount):
            yield "STATIC", str(context.path)
            continue
        methods = context.methods
        if methods is None:  # only WebSocket routes have none
            yield "WS", str(context.path)
            continue
        for method in sorted(methods - {"HEAD"}):
            yield method, str(context.path)


def socket_answer(client: TestClient, url: str, world: World) -> tuple[int, str]:
    """B's token opening a socket at `url`: (close code or 0 when it stays open, what it said)."""
    token = world.b_user["Authorization"].removeprefix("Bearer ")
    try:
        with client.websocket_connect(f"{url}?token={token}") as socket:
            return 0, socket.receive_text()
    except WebSocketDisconnect as closed:
        return closed.code, str(closed.reason)


def fill_path(path: str, world: World) -> str:
    """`path` with A's GUIDs in it; fails for a parameter this test does not know yet."""
    parts = path.strip("/").split("/")
    for index, part in enumerate(parts):
        if part == "{guid}":
            kind = GUID_KINDS.get(parts[index - 1])
            assert kind, f"{path}: say in GUID_KINDS which of A's GUIDs goes into {{guid}}"
            parts[index] = world.guids[kind]
        elif part.startswith("{"):
            assert part in OTHER_PARAMETERS, f"{path}: add {part} to OTHER_PARAMETERS"
            parts[index] = OTHER_PARAMETERS[part]
    return "/" + "/".join(parts)


@pytest.fixture
def world(client: TestClient, db_url: str) -> World:
    return build_world(client, db_url)


def test_the_route_tables_name_only_routes_that_exist(client: TestClient) -> None:
    served = set(app_routes(client.app))  # type: ignore[arg-type]
    assert set(UNSCOPED) <= served
    assert set(CALLS) <= served


def test_team_b_learns_and_changes_nothing_of_team_a(client: TestClient, world: World) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    documented = {(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops}
    needs_body = {
        (m.upper(), p)
        for p, ops in app.openapi()["paths"].items()
        for m, op in ops.items()
        if "requestBody" in op
    }
    routes = list(app_routes(app))
    assert documented <= set(routes)
    before = snapshot(client, world)
    secrets = secrets_of(before)
    problems = []
    for method, path in routes:
        scoped = (method, path) not in UNSCOPED
        assert not scoped or "{" in path, f"{method} {path}: list it in UNSCOPED with a reason"
        call = CALLS.get((method, path), Call())
        has_body = call.body or call.content
        assert has_body or (method, path) not in needs_body, f"{method} {path}: add it to CALLS"
        headers = world.b_agent if path.startswith(AGENT_API) else world.b_user
        url = fill_path(path, world)
        query = call.query(world, client)
        body = call.body(world, client) if call.body else None
        sent = (url + json.dumps(query) + json.dumps(body)).lower()
        if method == "STATIC":
            continue  # files of a package, the same for everyone
        if method == "WS":
            code, seen = socket_answer(client, url, world)
            if code != (1008 if scoped else 0):  # refused as a policy violation, or B's own
                problems.append(f"WS {path}: closed with {code} {seen[:200]}")
        else:
            answer = client.request(
                method,
                url,
                headers={**headers, **call.headers},
                params=query,
                json=body,
                content=call.content,
            )
            client.cookies.clear()  # the login route sets one; every call says who it is
            allowed = _statuses(403, 404) if scoped else UNSCOPED[(method, path)].statuses
            if answer.status_code not in allowed:
                problems.append(f"{method} {path}: {answer.status_code} {answer.text[:200]}")
            seen = answer.text + json.dumps(dict(answer.headers))
        seen = seen.lower()
        leaked = sorted(s for s in secrets if s in seen and s not in sent)
        if leaked:
            problems.append(f"{method} {path}: the answer shows team A's {leaked}")
    assert not problems, "\n".join(problems)
    assert snapshot(client, world) == before
