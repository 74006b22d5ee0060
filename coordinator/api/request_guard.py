"""Requests refused before the application sees them.

- A NUL character in the path or query (raw or `%00`) answers 400: no database stores it, and
  PostgreSQL fails on it.
- A body over the size limit answers 413: a declared Content-Length at once, a body sent without
  one (chunked) as soon as it passes the limit, before the application reads it whole.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["DEFAULT_MAX_BODY", "RequestGuard"]

DEFAULT_MAX_BODY = 64 * 1024 * 1024


def _has_nul(scope: Scope) -> bool:
    raw = (scope.get("raw_path") or b"") + b"?" + scope.get("query_string", b"")
    return "\0" in scope["path"] or b"\0" in raw or b"%00" in raw


class RequestGuard:
    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _has_nul(scope):
            await _answer(send, 400, "NUL characters are not allowed in a URL")
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        received = 0
        started = refused = False

        async def counted() -> Message:
            # Past the limit the app is told the client left, and whatever it answers is dropped:
            # the client gets the 413 instead.
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    refused = True
                    if not started:
                        await self._refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counted, watched)

    async def _refuse(self, send: Send) -> None:
        limit = self.max_bytes / (1024 * 1024)
        await _answer(send, 413, f"the request body is larger than {limit:g} MiB")


async def _answer(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
