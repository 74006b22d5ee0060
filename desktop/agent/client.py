"""The coordinator's agent protocol (`/api/agent/v1`) as plain method calls.

Every transport failure and error status is translated here, once, into the agent's error
tree: unreachable (down, timeout, 5xx: try again later), auth refused, claim lost, refused.
The job cycle's messages are the typed ones of common/agent_protocol.py and
common/audit_protocol.py, which the coordinator validates with too; an answer that does not fit
them is refused here, once.
"""

from __future__ import annotations

import gzip
import json as jsonlib
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from shuttersense.common.agent_protocol import (
    CompleteRequest,
    HeartbeatRequest,
    HeartbeatResponse,
    JobOutcome,
    NoChangeRequest,
    OfflineResult,
    ProgressRequest,
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

from .abortable import AbortableTransport
from .errors import (
    AuthRefused,
    ClaimLost,
    CoordinatorRefused,
    CoordinatorUnreachable,
)

__all__ = ["GZIP_ABOVE", "PREFIX", "CoordinatorClient", "normalise_server_url"]

_Read = TypeVar("_Read", bound=BaseModel)

PREFIX = "/api/agent/v1"
_TIMEOUT = 20.0
# Result bodies larger than this travel gzip-compressed (`Content-Encoding: gzip`): the routes
# that take results accept it, and a result's JSON shrinks about fivefold.
GZIP_ABOVE = 4 * 1024


def _compressed(data: bytes, headers: dict[str, str] | None) -> tuple[bytes, dict[str, str] | None]:
    if len(data) <= GZIP_ABOVE:
        return data, headers
    return gzip.compress(data, compresslevel=6, mtime=0), {
        **(headers or {}),
        "Content-Encoding": "gzip",
    }


def normalise_server_url(url: str) -> str:
    """`https://host[:port][/base]` without a trailing slash; CoordinatorRefused-free checks."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{url!r} is not an http(s) URL such as https://shuttersense.example.com")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _detail(answer: httpx.Response) -> str:
    try:
        detail = answer.json().get("detail", answer.text)
    except (ValueError, AttributeError):
        detail = answer.text
    return (detail if isinstance(detail, str) else str(detail))[:500]


class CoordinatorClient:
    """One agent's connection. `transport` lets tests answer without a network."""

    def __init__(
        self,
        server_url: str,
        agent_key: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        roots: Callable[[], list[str]] | None = None,
    ) -> None:
        """`roots` gives the agent's authorized roots as they are now, sent with the requests
        the coordinator checks against them."""
        self.server_url = normalise_server_url(server_url)
        self._roots = roots
        headers = {"Authorization": f"Bearer {agent_key}"} if agent_key else {}
        self._abortable = AbortableTransport() if transport is None else None
        self._http = httpx.Client(
            base_url=self.server_url + PREFIX,
            headers=headers,
            timeout=_TIMEOUT,
            transport=transport or self._abortable,
        )

    def close(self) -> None:
        self._http.close()

    def abort(self) -> None:
        """From any thread: the request in flight (a claim's long poll) fails at once with
        CoordinatorUnreachable; the client stays usable. Nothing to do on a test transport."""
        if self._abortable is not None:
            self._abortable.abort()

    def __enter__(self) -> CoordinatorClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        timeout: float = _TIMEOUT,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        compress: bool = False,
    ) -> httpx.Response:
        """`compress`: send the body gzip-compressed when it is large (a route taking it)."""
        if compress and json is not None:
            content = jsonlib.dumps(json, ensure_ascii=False, separators=(",", ":")).encode()
            headers = {**(headers or {}), "Content-Type": "application/json"}
            json = None
        if compress and content is not None:
            content, headers = _compressed(content, headers)
        try:
            answer = self._http.request(
                method,
                path,
                json=json,
                params=params,
                timeout=timeout,
                content=content,
                headers=headers,
            )
        except httpx.TransportError as exc:
            raise CoordinatorUnreachable(
                f"cannot reach the coordinator at {self.server_url} ({type(exc).__name__}: "
                f"{exc}); check it is running and the URL is right"
            ) from None
        status = answer.status_code
        if status < 400:
            return answer
        detail = _detail(answer)
        if status >= 500:
            raise CoordinatorUnreachable(f"the coordinator failed ({status}): {detail}")
        if status in (401, 403):
            raise AuthRefused(status, detail)
        if status == 409:
            raise ClaimLost(status, detail)
        raise CoordinatorRefused(status, detail)

    def _read(self, path: str, answer: httpx.Response, shape: type[_Read]) -> _Read:
        try:
            return shape.model_validate(answer.json())
        except (ValueError, ValidationError):
            raise CoordinatorRefused(
                answer.status_code,
                f"{path} answered something this agent does not understand: is the coordinator "
                "much newer or older than the agent? Update the older one",
            ) from None

    def _answer(
        self, path: str, body: BaseModel, shape: type[_Read], *, compress: bool = False
    ) -> _Read:
        """POST `body`; the answer as `shape`. `compress`: as for `_call`."""
        answer = self._call("POST", path, json=body.model_dump(mode="json"), compress=compress)
        return self._read(path, answer, shape)

    def register(self, body: RegisterRequest) -> RegisterResponse:
        return self._answer("/register", body, RegisterResponse)

    def deregister(self) -> None:
        """End this agent's registration: the coordinator revokes it (harmless when it is)."""
        self._call("POST", "/deregister")

    def heartbeat(self, body: HeartbeatRequest) -> HeartbeatResponse:
        return self._answer("/heartbeat", body, HeartbeatResponse)

    def claim_audit(self, wait: int) -> AuditClaimResponse | None:
        """The next audit (a job queued alone is an audit of one), or None within `wait`."""
        path, params = "/audits/claim", {"wait": wait}
        answer = self._call("POST", path, params=params, timeout=wait + _TIMEOUT)
        if answer.status_code == 204:
            return None
        return self._read("claim", answer, AuditClaimResponse)

    def audit_progress(self, audit_guid: str, body: ProgressRequest) -> AuditProgressResponse:
        return self._answer(f"/audits/{audit_guid}/progress", body, AuditProgressResponse)

    def complete(self, job_guid: str, body: CompleteRequest) -> JobOutcome:
        return self._answer(f"/jobs/{job_guid}/complete", body, JobOutcome, compress=True)

    def complete_audit(self, audit_guid: str, body: AuditCompleteRequest) -> AuditCompleteResponse:
        path = f"/audits/{audit_guid}/complete"
        return self._answer(path, body, AuditCompleteResponse, compress=True)

    def no_change(self, job_guid: str, body: NoChangeRequest) -> JobOutcome:
        return self._answer(f"/jobs/{job_guid}/no-change", body, JobOutcome)

    def release(self, job_guid: str, *, claim_token: str) -> None:
        self._answer(
            f"/jobs/{job_guid}/release", ReleaseRequest(claim_token=claim_token), JobOutcome
        )

    def upload_result(self, body: OfflineResult) -> UploadOutcome:
        return self._answer("/results", body, UploadOutcome, compress=True)

    def start_upload(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/uploads", json=body).json()

    def put_chunk(self, upload_guid: str, position: int, data: bytes, sha256: str) -> None:
        headers = {"Content-Type": "application/octet-stream", "X-Chunk-SHA256": sha256}
        path = f"/uploads/{upload_guid}/chunks/{position}"
        self._call("PUT", path, content=data, headers=headers, compress=True)

    def finish_upload(
        self, upload_guid: str, body: dict[str, Any], *, timeout: float = _TIMEOUT
    ) -> dict[str, Any]:
        path = f"/uploads/{upload_guid}/finish"
        return self._call("POST", path, json=body, timeout=timeout).json()

    def collections(self) -> list[dict[str, Any]]:
        return self._call("GET", "/collections").json()

    def create_collection(self, name: str, root_path: str) -> dict[str, Any]:
        body: dict[str, Any] = {"name": name, "root_path": root_path}
        if self._roots is not None:  # the folder must lie inside them: send them as they are now
            body["authorized_roots"] = self._roots()
        return self._call("POST", "/collections", json=body).json()

    def config(self) -> dict[str, Any]:
        return self._call("GET", "/config").json()

    def pool_status(self) -> dict[str, Any]:
        return self._call("GET", "/pool-status").json()
