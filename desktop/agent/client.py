"""The coordinator's agent protocol (`/api/agent/v1`) as plain method calls.

Every transport failure and error status is translated here, once, into the agent's error
tree: unreachable (down, timeout, 5xx: try again later), auth refused, claim lost, refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

from .errors import (
    AuthRefused,
    ClaimLost,
    CoordinatorRefused,
    CoordinatorUnreachable,
)

__all__ = ["PREFIX", "CoordinatorClient", "normalise_server_url"]

PREFIX = "/api/agent/v1"
_TIMEOUT = 20.0


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
        self._http = httpx.Client(
            base_url=self.server_url + PREFIX,
            headers=headers,
            timeout=_TIMEOUT,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

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
    ) -> httpx.Response:
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

    def register(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/register", json=body).json()

    def heartbeat(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/heartbeat", json=body).json()

    def claim(self, wait: int) -> dict[str, Any] | None:
        answer = self._call("POST", "/jobs/claim", params={"wait": wait}, timeout=wait + _TIMEOUT)
        return None if answer.status_code == 204 else answer.json()

    def progress(self, job_guid: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", f"/jobs/{job_guid}/progress", json=body).json()

    def complete(self, job_guid: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", f"/jobs/{job_guid}/complete", json=body).json()

    def no_change(self, job_guid: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", f"/jobs/{job_guid}/no-change", json=body).json()

    def fail(self, job_guid: str, error: str, *, retryable: bool, claim_token: str) -> None:
        body = {"claim_token": claim_token, "error": error[:4000], "retryable": retryable}
        self._call("POST", f"/jobs/{job_guid}/fail", json=body)

    def release(self, job_guid: str, *, claim_token: str) -> None:
        self._call("POST", f"/jobs/{job_guid}/release", json={"claim_token": claim_token})

    def upload_result(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/results", json=body).json()

    def start_upload(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/uploads", json=body).json()

    def put_chunk(self, upload_guid: str, position: int, data: bytes, sha256: str) -> None:
        headers = {"Content-Type": "application/octet-stream", "X-Chunk-SHA256": sha256}
        path = f"/uploads/{upload_guid}/chunks/{position}"
        self._call("PUT", path, content=data, headers=headers)

    def finish_upload(self, upload_guid: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", f"/uploads/{upload_guid}/finish", json=body).json()

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
