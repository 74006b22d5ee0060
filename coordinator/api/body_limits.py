"""How large a request body may be, declared on each route.

A route takes at most DEFAULT_LIMIT unless its endpoint declares another limit with
`@body_limit(n)` under the route decorator. A body over the limit answers 413 naming it: a
declared Content-Length at once, a body sent without one (chunked) as soon as it passes the
limit, before it is read whole.

The limits are what keeps a large body from stalling the server: parsing and validating JSON
holds the GIL, in a worker thread as on the event loop, so the time spent on the largest body a
route accepts is the longest other requests (`/health` among them) wait behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import HTTPException, Request

__all__ = [
    "DEFAULT_LIMIT",
    "KiB",
    "LimitedRequest",
    "MiB",
    "body_limit",
    "describe",
    "limit_of",
]

KiB = 1024
MiB = 1024 * KiB
DEFAULT_LIMIT = 64 * KiB
_ATTRIBUTE = "__shuttersense_body_limit__"
E = TypeVar("E", bound=Callable[..., Any])


def body_limit(max_bytes: int) -> Callable[[E], E]:
    """Declare the largest request body the decorated endpoint takes."""

    def declare(endpoint: E) -> E:
        setattr(endpoint, _ATTRIBUTE, max_bytes)
        return endpoint

    return declare


def limit_of(endpoint: Callable[..., Any]) -> int:
    return int(getattr(endpoint, _ATTRIBUTE, DEFAULT_LIMIT))


def describe(max_bytes: int) -> str:
    """`64 KiB`, `5 MiB`, `100 bytes`."""
    for unit, size in (("MiB", MiB), ("KiB", KiB)):
        if max_bytes >= size:
            return f"{max_bytes / size:g} {unit}"
    return f"{max_bytes} bytes"


def _too_large(max_bytes: int) -> HTTPException:
    return HTTPException(
        413,
        f"the request body is larger than {describe(max_bytes)}, the limit of this route: "
        "send less (results over 1 MiB go through /api/agent/v1/uploads)",
    )


class LimitedRequest(Request):
    """A request whose body is read up to `max_bytes`."""

    def __init__(self, request: Request, max_bytes: int) -> None:
        super().__init__(request.scope, request.receive)
        self.max_bytes = max_bytes

    async def body(self) -> bytes:
        if not hasattr(self, "_body"):
            declared = self.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise _too_large(self.max_bytes)
            chunks: list[bytes] = []
            received = 0
            async for chunk in self.stream():
                received += len(chunk)
                if received > self.max_bytes:
                    raise _too_large(self.max_bytes)
                chunks.append(chunk)
            self._body = b"".join(chunks)
        return self._body
