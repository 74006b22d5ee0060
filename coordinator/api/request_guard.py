"""Requests refused before the application sees them: a NUL character in the path or query (raw
or `%00`) answers 400, since no database stores it, and PostgreSQL fails on it.

How large a body may be is each route's own limit (coordinator/api/body_limits.py).
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["RequestGuard"]


def _has_nul(scope: Scope) -> bool:
    raw = (scope.get("raw_path") or b"") + b"?" + scope.get("query_string", b"")
    return "\0" in scope["path"] or b"\0" in raw or b"%00" in raw


class RequestGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _has_nul(scope):
            await _answer(send, 400, "NUL characters are not allowed in a URL")
            return
        await self.app(scope, receive, send)


async def _answer(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
