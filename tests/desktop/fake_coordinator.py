"""A small in-memory coordinator speaking the agent protocol, served through httpx.MockTransport.

It keeps just enough state to answer like the real one (claims fenced by their token, signatures
checked, idempotent uploads, unique collection names) and records every call, so tests can drive
the agent runtime without a network and then look at what it sent. What the agent sends is
checked with the protocol's own messages (common/agent_protocol.py, common/audit_protocol.py),
as the coordinator checks it (422 otherwise), and the claims it hands out have their shape.
`fail_next` scripts errors. Audits: a queued job claim (`make_claim`) is handed out as an audit
of one, an `audit_claim` as it is; an audit's outcomes are recorded per job, as the per-job
calls would have been.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from pydantic import BaseModel, ValidationError

from shuttersense.common.agent_protocol import (
    AgentConfig,
    ClaimResponse,
    CollectionCreate,
    CollectionOut,
    CompleteRequest,
    FailRequest,
    HeartbeatRequest,
    HeartbeatResponse,
    JobOutcome,
    NoChangeRequest,
    OfflineResult,
    ProgressRequest,
    ProgressResponse,
    RegisterRequest,
    RegisterResponse,
    ReleaseRequest,
    UploadOutcome,
)
from shuttersense.common.audit_protocol import (
    AuditClaimResponse,
    AuditCompleteRequest,
    AuditCompleteResponse,
    AuditProgressResponse,
)
from shuttersense.common.protocol import signature_matches
from shuttersense.desktop.agent.client import PREFIX

__all__ = [
    "AGENT_KEY",
    "REGISTRATION_TOKEN",
    "Call",
    "FakeCoordinator",
    "audit_claim",
    "make_claim",
]

AGENT_KEY = "agt_key_test"
REGISTRATION_TOKEN = "art_valid"
_NOW = "2026-01-01T00:00:00Z"
_REQUESTS: dict[str, type[BaseModel]] = {
    "register": RegisterRequest,
    "heartbeat": HeartbeatRequest,
    "progress": ProgressRequest,
    "complete": CompleteRequest,
    "no-change": NoChangeRequest,
    "fail": FailRequest,
    "release": ReleaseRequest,
    "results": OfflineResult,
}


def make_claim(root: Path | str, tool: str = "photostats", **extra: Any) -> dict[str, Any]:
    """A claim answer for a job on the folder `root`, shaped like the coordinator's."""
    number = extra.pop("number", 1)
    claim: dict[str, Any] = {
        "job_guid": f"job_{number:04d}",
        "tool": tool,
        "attempt": 1,
        "parameters": {},
        "collection": {
            "guid": "col_0001",
            "name": "Photos",
            "root_path": str(root),
            "pipeline_guid": None,
        },
        "pipeline": None,
        "config": {},
        "previous_result": None,
        "claim_token": f"tok_secret_{number}",
        "claim_secret": f"sec_{number}",
        "lease_expires_at": _NOW,
    }
    claim.update(extra)
    return ClaimResponse.model_validate(claim).model_dump(mode="json")


_SHARED = ("collection", "pipeline", "config", "claim_token", "claim_secret", "lease_expires_at")
_OWN = ("job_guid", "tool", "attempt", "parameters", "previous_result")


def audit_claim(*claims: dict[str, Any]) -> dict[str, Any]:
    """The audit claim answer of these job claims (same collection, token and secret: the
    first one's), shaped like the coordinator's `/audits/claim`."""
    first = claims[0]
    audit = {
        "audit_guid": "adt_" + first["job_guid"].removeprefix("job_"),
        **{name: first[name] for name in _SHARED},
        "jobs": [{name: claim[name] for name in _OWN} for claim in claims],
    }
    return AuditClaimResponse.model_validate(audit).model_dump(mode="json")


def _job_claims(audit: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**{name: audit[name] for name in _SHARED}, **job} for job in audit["jobs"]]


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # without the protocol prefix
    body: Any
    authorization: str | None


@dataclass
class FakeCoordinator:
    jobs: list[dict[str, Any]] = field(default_factory=list)
    heartbeat_interval: int = 1
    down: bool = False
    calls: list[Call] = field(default_factory=list)
    commands: list[dict[str, str]] = field(default_factory=list)
    cancel_requested: set[str] = field(default_factory=set)
    collections: list[dict[str, Any]] = field(default_factory=list)
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    accepted: dict[str, dict[str, Any]] = field(default_factory=dict)  # job GUID -> body
    ended: dict[str, str] = field(default_factory=dict)  # job GUID -> fail/release/...
    _claims: dict[str, dict[str, Any]] = field(default_factory=dict)
    _audits: dict[str, dict[str, Any]] = field(default_factory=dict)
    _script: dict[str, list[int | str | None]] = field(default_factory=lambda: defaultdict(list))
    _lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def fail_next(self, endpoint: str, *answers: int | str | None) -> None:
        """The next calls of `endpoint` (e.g. "complete") answer these error statuses, or fail
        to connect ("down"); None answers that call normally."""
        with self._lock:
            self._script[endpoint].extend(answers)

    def hand_out(self, claim: dict[str, Any]) -> None:
        """Record `claim` (a job's or an audit's) as given to the agent, as a claim call would
        have."""
        with self._lock:
            if "jobs" in claim:
                self._audits[claim["audit_guid"]] = claim
                for job in _job_claims(claim):
                    self._claims[job["job_guid"]] = job
            else:
                self._claims[claim["job_guid"]] = claim

    def calls_to(self, endpoint: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if _endpoint(call.path) == endpoint]

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix(PREFIX)
        content = request.content
        if request.headers.get("content-encoding") == "gzip":
            content = gzip.decompress(content)
        body = json.loads(content) if content else None
        endpoint = _endpoint(path)
        with self._lock:
            self.calls.append(
                Call(request.method, path, body, request.headers.get("authorization"))
            )
            scripted = self._script[endpoint].pop(0) if self._script[endpoint] else None
            if self.down or scripted == "down":
                raise httpx.ConnectError("connection refused", request=request)
            if isinstance(scripted, int):
                return httpx.Response(scripted, json={"detail": f"scripted {scripted}"})
            if endpoint != "register" and request.headers.get("authorization") != (
                f"Bearer {AGENT_KEY}"
            ):
                return _refuse(401, "unknown agent key: register this agent again")
            shape = _REQUESTS.get(endpoint)
            if endpoint == "collections" and request.method == "POST":
                shape = CollectionCreate
            if endpoint == "complete" and path.startswith("/audits/"):
                shape = AuditCompleteRequest
            if shape is not None:
                try:
                    shape.model_validate(body)
                except ValidationError as exc:
                    return _refuse(422, str(exc))
            answer = getattr(self, "_" + endpoint.replace("-", "_"))(path, body, request)
        if endpoint == "claim" and answer.status_code == 204:
            time.sleep(0.005)  # a real long-poll waits; keep an idle runner from spinning
        return answer

    def _register(self, path: str, body: Any, request: httpx.Request) -> httpx.Response:
        if body["registration_token"] != REGISTRATION_TOKEN:
            return _refuse(401, "invalid registration token: ask an admin for a new one")
        registered = RegisterResponse(
            agent_guid="agt_0001",
            agent_key=AGENT_KEY,
            team_guid="tea_0001",
            heartbeat_interval=30,
            poll_interval=30,
        )
        return _answer(201, registered)

    def _heartbeat(self, path: str, body: Any, request: httpx.Request) -> httpx.Response:
        commands, self.commands = self.commands, []
        beat = HeartbeatResponse.model_validate(
            {
                "server_time": _NOW,
                "heartbeat_interval": self.heartbeat_interval,
                "commands": commands,
            }
        )
        return _answer(200, beat)

    def _claim(self, path: str, body: Any, request: httpx.Request) -> httpx.Response:
        if not self.jobs:
            return httpx.Response(204)
        claim = self.jobs.pop(0)
        if path.startswith("/audits") and "jobs" not in claim:
            claim = audit_claim(claim)
        self.hand_out(claim)
        shape = AuditClaimResponse if "jobs" in claim else ClaimResponse
        return _answer(200, shape.model_validate(claim))

    def _audit_held(self, path: str, body: Any) -> list[str] | httpx.Response:
        """The jobs of the audit in `path` that the body's claim token still holds."""
        audit = self._audits.get(path.split("/")[2])
        if audit is None:
            return _refuse(404, "no such audit")
        guids = [job["job_guid"] for job in audit["jobs"]]
        if body.get("claim_token") != audit["claim_token"]:
            return _refuse(409, "this claim was superseded: the job was given to another run")
        held = [guid for guid in guids if guid not in self.ended]
        if not held:
            return _refuse(409, "this claim was superseded: the job was given to another run")
        return held

    def _audit_progress(self, path: str, body: Any) -> httpx.Response:
        held = self._audit_held(path, body)
        if isinstance(held, httpx.Response):
            return held
        jobs = [{"job_guid": g, "cancel_requested": g in self.cancel_requested} for g in held]
        progress = AuditProgressResponse.model_validate({"lease_expires_at": _NOW, "jobs": jobs})
        return _answer(200, progress)

    def _audit_complete(self, path: str, body: Any) -> httpx.Response:
        """Each outcome through the per-job handler its kind stands for, as the real one."""
        if self._audits.get(path.split("/")[2]) is None:
            return _refuse(404, "no such audit")
        handlers = {"complete": "complete", "no_change": "no-change", "fail": "fail"}
        answers = []
        for outcome in body["outcomes"]:
            guid = outcome["job_guid"]
            own = {k: v for k, v in outcome.items() if k not in ("kind", "job_guid")}
            job_body = {"claim_token": body["claim_token"], **own}
            kind = handlers[outcome["kind"]]
            answer = getattr(self, "_" + kind.replace("-", "_"))(
                f"/jobs/{guid}/{kind}", job_body, None
            )
            detail = answer.json()
            if answer.status_code >= 400:
                answers.append(
                    {
                        "job_guid": guid,
                        "status": "refused",
                        "refused_status": answer.status_code,
                        "detail": detail["detail"],
                    }
                )
            else:
                answers.append({"job_guid": guid, "status": detail["status"]})
        return _answer(200, AuditCompleteResponse.model_validate({"outcomes": answers}))

    def _held(self, path: str, body: Any) -> dict[str, Any] | httpx.Response:
        claim = self._claims.get(path.split("/")[2])
        if claim is None:
            return _refuse(404, "no such job")
        if body.get("claim_token") != claim["claim_token"] or claim["job_guid"] in self.ended:
            return _refuse(409, "this claim was superseded: the job was given to another run")
        return claim

    def _progress(self, path: str, body: Any, request: httpx.Request) -> httpx.Response:
        if path.startswith("/audits/"):
            return self._audit_progress(path, body)
        claim = self._held(path, body)
        if isinstance(claim, httpx.Response):
            return claim
        cancel = claim["job_guid"] in self.cancel_requested
        progress = ProgressResponse.model_validate(
            {"lease_expires_at": _NOW, "cancel_requested": cancel}
        )
        return _answer(200, progress)

    def _complete(self, path: str, body: Any, request: httpx.Request | None) -> httpx.Response:
        if path.startswith("/audits/"):
            return self._audit_complete(path, body)
        claim = self._held(path, body)
        if isinstance(claim, httpx.Response):
            return claim
        if not signature_matches(
            claim["claim_secret"],
            claim["job_guid"],
            body["input_state_hash"],
            body["result"],
            body["signature"],
        ):
            return _refuse(403, "the result's signature does not match")
        return self._end(claim, body, "completed")

    def _no_change(self, path: str, body: Any, request: httpx.Request | None) -> httpx.Response:
        claim = self._held(path, body)
        if isinstance(claim, httpx.Response):
            return claim
        return self._end(claim, body, "no_change")

    def _fail(self, path: str, body: Any, request: httpx.Request | None) -> httpx.Response:
        claim = self._held(path, body)
        if isinstance(claim, httpx.Response):
            return claim
        return self._end(claim, body, "failed")

    def _release(self, path: str, body: Any, request: httpx.Request) -> httpx.Response:
        claim = self._held(path, body)
        if isinstance(claim, httpx.Response):
            return claim
        return self._end(claim, body, "released")

    def _end(self, claim: dict[str, Any], body: Any, status: str) -> httpx.Response:
        guid = claim["job_guid"]
        self.ended[guid] = status
        self.accepted[guid] = body
        return _answer(200, JobOutcome(job_guid=guid, status=status))

    def _results(self, path: str, body: Any, request: httpx.Request) -> httpx.Response:
        if not any(c["guid"] == body["collection_guid"] for c in self.collections):
            return _refuse(404, "no such collection")
        key = body["idempotency_key"]
        created = key not in self.results
        self.results.setdefault(key, body)
        return _answer(200, UploadOutcome(result_guid=f"res_{key}", created=created))

    def _collections(self, path: str, body: Any, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json=self.collections)
        if any(c["name"] == body["name"] for c in self.collections):
            return _refuse(409, f"the team has a collection named {body['name']!r} already")
        made = CollectionOut(
            guid=f"col_{len(self.collections) + 1:04d}",
            name=body["name"],
            root_path=body["root_path"],
        )
        self.collections.append(made.model_dump(mode="json"))
        return _answer(201, made)

    def _config(self, path: str, body: Any, request: httpx.Request) -> httpx.Response:
        return _answer(200, AgentConfig(config={}, default_pipeline=None, pipelines=[]))

    def _pool_status(self, path: str, body: Any, request: httpx.Request) -> httpx.Response:
        counts = {"total": 1, "online": 1, "offline": 0, "idle": 1, "busy": 0, "paused": 0}
        return httpx.Response(200, json={**counts, "status": "available"})


def _endpoint(path: str) -> str:
    """`/jobs/job_1/complete` → `complete`, `/jobs/claim` → `claim`, `/heartbeat` → `heartbeat`."""
    return path.rstrip("/").rsplit("/", 1)[-1]


def _answer(status: int, message: BaseModel) -> httpx.Response:
    """An answer shaped by the protocol's own message, as the coordinator's are."""
    return httpx.Response(status, json=message.model_dump(mode="json"))


def _refuse(status: int, detail: str) -> httpx.Response:
    return httpx.Response(status, json={"detail": detail})
