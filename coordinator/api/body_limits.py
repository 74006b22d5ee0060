"""How large a request body may be, declared on each route, and the routes that take it
gzip-compressed.

A route takes at most DEFAULT_LIMIT unless its endpoint declares another limit with
`@body_limit(n)` under the route decorator. A body over the limit answers 413 naming it: a
declared Content-Length at once, a body sent without one (chunked) as soon as it passes the
limit, before it is read whole.

A route declared with `@body_limit(n, inflated=m)` also takes a body sent with
`Content-Encoding: gzip`: at most `n` bytes of it, inflated as it arrives to at most `m` bytes.
Inflating stops as soon as it passes `m` (413), so a small body that would inflate to gigabytes
(a gzip bomb) costs no more than `m`. Any other route answers such a body with 415.

The limits are what keeps a large body from stalling the server: parsing and validating JSON
holds the GIL, in a worker thread as on the event loop, so the time spent on the largest body a
route accepts is the longest other requests (`/health` among them) wait behind it.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import HTTPException, Request

__all__ = [
    "DEFAULT_LIMIT",
    "Inflater",
    "KiB",
    "LimitedRequest",
    "MiB",
    "body_limit",
    "describe",
    "inflated_limit_of",
    "limit_of",
]

KiB = 1024
MiB = 1024 * KiB
DEFAULT_LIMIT = 64 * KiB
_ATTRIBUTE = "__shuttersense_body_limit__"
_INFLATED = "__shuttersense_inflated_limit__"
E = TypeVar("E", bound=Callable[..., Any])


def body_limit(max_bytes: int, *, inflated: int | None = None) -> Callable[[E], E]:
    """Declare the largest request body the decorated endpoint takes, and with `inflated` that
    it takes it gzip-compressed too, inflating to at most that many bytes."""

    def declare(endpoint: E) -> E:
        setattr(endpoint, _ATTRIBUTE, max_bytes)
        setattr(endpoint, _INFLATED, inflated)
        return endpoint

    return declare


def limit_of(endpoint: Callable[..., Any]) -> int:
    return int(getattr(endpoint, _ATTRIBUTE, DEFAULT_LIMIT))


def inflated_limit_of(endpoint: Callable[..., Any]) -> int | None:
    """How far the endpoint inflates a gzip body; None: it takes none."""
    return getattr(endpoint, _INFLATED, None)


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


def _inflates_too_far(max_bytes: int) -> HTTPException:
    return HTTPException(
        413,
        f"the request body inflates to more than {describe(max_bytes)}, the limit of this "
        "route: send less (results over 1 MiB go through /api/agent/v1/uploads)",
    )


def _not_gzip(why: str) -> HTTPException:
    return HTTPException(400, f"the request body is not valid gzip ({why}): send it again")


class Inflater:
    """Inflates a gzip stream as it arrives, never past `cap` bytes."""

    def __init__(self, cap: int) -> None:
        self._stream = zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip header and trailer
        self._cap = cap
        self._pieces: list[bytes] = []
        self.inflated = 0  # bytes so far

    def feed(self, data: bytes) -> None:
        try:
            while data:
                if self._stream.eof:
                    raise _not_gzip("data after its end")
                piece = self._stream.decompress(data, self._cap - self.inflated + 1)
                self.inflated += len(piece)
                if self.inflated > self._cap:
                    raise _inflates_too_far(self._cap)
                self._pieces.append(piece)
                data = self._stream.unconsumed_tail
            if self._stream.unused_data:
                raise _not_gzip("data after its end")
        except zlib.error as exc:
            raise _not_gzip(str(exc)) from None

    def finish(self) -> bytes:
        if not self._stream.eof:
            raise _not_gzip("it stops before its end")
        return b"".join(self._pieces)


class LimitedRequest(Request):
    """A request whose body is read up to `max_bytes`, and inflated up to `inflated` bytes
    when it comes gzip-compressed (None: no compressed body is taken)."""

    def __init__(
        self,
        request: Request,
        max_bytes: int,
        inflated: int | None = None,
        *,
        read_apart: Callable[[Request, bytes], Awaitable[Any]] | None = None,
    ) -> None:
        super().__init__(request.scope, request.receive)
        self.max_bytes = max_bytes
        self.inflated = inflated
        self._read_apart = read_apart

    async def json(self) -> Any:
        """The body's JSON, read by `read_apart` where the route has one (api/result_bodies.py:
        a large body's results are read in the parsing process)."""
        if not hasattr(self, "_json"):
            body = await self.body()
            read = self._read_apart
            self._json = json.loads(body) if read is None else await read(self, body)
        return self._json

    def _inflater(self) -> Inflater | None:
        encoding = self.headers.get("content-encoding", "").strip().lower()
        if encoding in ("", "identity"):
            return None
        if encoding == "gzip" and self.inflated is not None:
            return Inflater(self.inflated)
        taken = "gzip or none" if self.inflated is not None else "none"
        raise HTTPException(
            415, f"this route takes no {encoding!r} body (Content-Encoding: {taken}): send it so"
        )

    async def body(self) -> bytes:
        if not hasattr(self, "_body"):
            inflater = self._inflater()
            declared = self.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise _too_large(self.max_bytes)
            chunks: list[bytes] = []
            received = 0
            async for chunk in self.stream():
                received += len(chunk)
                if received > self.max_bytes:
                    raise _too_large(self.max_bytes)
                if inflater is None:
                    chunks.append(chunk)
                else:
                    inflater.feed(chunk)
            self._body = b"".join(chunks) if inflater is None else inflater.finish()
        return self._body
