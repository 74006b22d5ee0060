"""Middleware that settles who the client is, for the rate limits and the audit trail.

Behind a reverse proxy every connection comes from the proxy, which names the client in
`X-Forwarded-For`. That header is believed only from a trusted proxy (SHUSAI_TRUSTED_PROXIES),
and only as far as the proxies go: the client is the right-most address that is not itself a
trusted proxy, since anything left of it was written by the client. A trusted proxy's
`X-Forwarded-Proto` gives the scheme.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from ..services.audit import CLIENT_ADDRESS

__all__ = ["ClientAddress", "Network"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_LONGEST = 64  # the width of AuditEvent.address
_SCHEMES = {"http": {"http": "http", "https": "https"}, "websocket": {"http": "ws", "https": "wss"}}


class ClientAddress:
    def __init__(self, app: ASGIApp, trusted: Sequence[Network] = ()) -> None:
        self.app = app
        self.trusted = tuple(trusted)

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    def _forwarded(self, scope: Scope, peer: str) -> str:
        """The client behind `peer`, when `peer` is a trusted proxy that names one."""
        if not self._trusted(peer):
            return peer
        headers = Headers(scope=scope)
        proto = headers.get("x-forwarded-proto", "").strip().lower()
        scheme = _SCHEMES[scope["type"]].get(proto)
        if scheme is not None:
            scope["scheme"] = scheme
        hops = [hop.strip() for hop in headers.get("x-forwarded-for", "").split(",")]
        for hop in reversed(hops):
            if hop and not self._trusted(hop):
                return hop
        return peer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = None
        if client:
            address = self._forwarded(scope, str(client[0]))[:_LONGEST]
            scope["client"] = (address, client[1])
        token = CLIENT_ADDRESS.set(address)
        try:
            await self.app(scope, receive, send)
        finally:
            CLIENT_ADDRESS.reset(token)
