"""Middleware that makes the client address of the request known to the audit trail."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from ..services.audit import CLIENT_ADDRESS

__all__ = ["ClientAddress"]

_LONGEST = 64  # the width of AuditEvent.address


class ClientAddress:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        token = CLIENT_ADDRESS.set(str(client[0])[:_LONGEST] if client else None)
        try:
            await self.app(scope, receive, send)
        finally:
            CLIENT_ADDRESS.reset(token)
