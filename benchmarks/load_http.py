"""A lean HTTP/1.1 client for the coordinator load benchmark: keep-alive connections on
127.0.0.1, one request at a time on each, responses parsed by httptools (uvicorn's parser).

httpx spent about 1 ms of CPU per request on the benchmark machine, as much as the coordinator
itself then spent on a heartbeat: the client took a third of the 2 cores and starved the server
it measures. This client does the same HTTP on the wire (a full request with headers and a JSON
body, a full response read to its end) for a fraction of that.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httptools

__all__ = ["Answer", "ConnectionPool", "HttpError"]


class HttpError(Exception):
    """The connection failed, closed, or answered something that is not HTTP."""


@dataclass(frozen=True, slots=True)
class Answer:
    status_code: int
    content: bytes

    def json(self) -> Any:
        return json.loads(self.content)


class _Protocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.waiter: asyncio.Future[Answer] | None = None
        self.body: list[bytes] = []
        self.keep_alive = True

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(HttpError(f"not HTTP: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.keep_alive = False
        self._fail(HttpError(f"connection lost: {exc or 'closed by the server'}"))

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self.keep_alive = self.parser.should_keep_alive()
        answer = Answer(self.parser.get_status_code(), b"".join(self.body))
        self.body = []
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(answer)

    def _fail(self, error: HttpError) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(error)


class _Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.protocol: _Protocol | None = None

    async def request(self, head: bytes, body: bytes, timeout: float) -> Answer:
        protocol = self.protocol
        if protocol is None or not protocol.keep_alive:
            if protocol is not None and protocol.transport is not None:
                protocol.transport.close()
            loop = asyncio.get_running_loop()
            _, protocol = await loop.create_connection(_Protocol, self.host, self.port)
            self.protocol = protocol
        assert protocol.transport is not None
        protocol.waiter = asyncio.get_running_loop().create_future()
        protocol.transport.write(head + body)
        try:
            async with asyncio.timeout(timeout):
                return await protocol.waiter
        except BaseException:
            protocol.keep_alive = False  # a half-read answer: never reuse the connection
            raise

    def close(self) -> None:
        if self.protocol is not None and self.protocol.transport is not None:
            self.protocol.transport.close()


class ConnectionPool:
    """Up to `size` keep-alive connections to `host:port`, each carrying one request at a time."""

    def __init__(self, host: str, port: int, size: int, timeout: float) -> None:
        self.timeout = timeout
        self._host = f"{host}:{port}"
        self._all = [_Connection(host, port) for _ in range(size)]
        self._idle: asyncio.Queue[_Connection] = asyncio.Queue()
        for connection in self._all:
            self._idle.put_nowait(connection)

    async def post(self, path: str, headers: dict[str, str], payload: Any | None = None) -> Answer:
        return await self.request("POST", path, headers, payload)

    async def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return await self.request("GET", path, headers or {})

    async def request(
        self, method: str, path: str, headers: dict[str, str], payload: Any | None = None
    ) -> Answer:
        """Send a request (the payload as JSON) and read its whole answer."""
        body = b"" if payload is None else json.dumps(payload, separators=(",", ":")).encode()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self._host}", f"Content-Length: {len(body)}"]
        if payload is not None:
            lines.append("Content-Type: application/json")
        lines += [f"{name}: {value}" for name, value in headers.items()]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode()
        async with self._connection() as connection:
            try:
                return await connection.request(head, body, self.timeout)
            except (OSError, TimeoutError) as exc:
                raise HttpError(f"{type(exc).__name__}: {exc}") from exc

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[_Connection]:
        connection = await self._idle.get()
        try:
            yield connection
        finally:
            self._idle.put_nowait(connection)

    async def open(self, gap: float) -> None:
        """Open every connection now, one after the other, `gap` seconds apart, each with a
        `GET /health`: as a fleet's agents connect at different times, not all in one burst."""
        for _ in self._all:
            await self.get("/health")
            await asyncio.sleep(gap)

    def close(self) -> None:
        for connection in self._all:
            connection.close()
