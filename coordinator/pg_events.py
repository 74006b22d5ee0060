"""The event bus on PostgreSQL: LISTEN/NOTIFY carries events between coordinator instances.

Publishing queues the event (bounded; full means dropped, never waiting) for a sender task that
NOTIFYs on its own connection: whatever queued up within 10 ms of an event goes out with it as
one JSON array, so a busy coordinator sends and receives far fewer notifications than events.
A listener task on a dedicated connection LISTENs and hands each event to the local fan-out, its
own instance's events included, so every instance (and every worker process) sees the same
stream; an instance without sockets does not even decode them. Both connections reconnect after
a failure; events sent while a connection is down are lost, which the best-effort contract
allows.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Iterable

import psycopg
from sqlalchemy.engine import make_url

from .event_bus import QUEUE_SIZE, Event, EventBus

__all__ = ["CHANNEL", "PgNotifyBus", "libpq_url", "notify_payloads"]

log = logging.getLogger(__name__)

CHANNEL = "shuttersense_events"
_MAX_PAYLOAD = 7900  # PostgreSQL refuses NOTIFY payloads of 8000 bytes or more (as UTF-8)
_OUTBOX_SIZE = 1000
_LINGER = 0.01  # seconds an event waits for others to share its notification
_RECONNECT_DELAY = 2.0
_FIRST_LISTEN_WAIT = 5.0


def libpq_url(db_url: str) -> str:
    """The SQLAlchemy URL as psycopg takes it (no `+psycopg` driver suffix)."""
    return make_url(db_url).set(drivername="postgresql").render_as_string(hide_password=False)


def notify_payloads(encoded: Iterable[str]) -> list[str]:
    """Events encoded as JSON, in order, packed into JSON arrays of at most _MAX_PAYLOAD bytes:
    one NOTIFY each."""
    batches: list[list[str]] = []
    batch: list[str] = []
    size = 0
    for event in encoded:
        length = len(event.encode())
        if batch and size + length + 3 > _MAX_PAYLOAD:
            batches.append(batch)
            batch, size = [], 0
        batch.append(event)
        size += length + 1
    if batch:
        batches.append(batch)
    return [f"[{','.join(events)}]" for events in batches]


class PgNotifyBus(EventBus):
    def __init__(self, db_url: str, queue_size: int = QUEUE_SIZE) -> None:
        super().__init__(queue_size)
        self._conninfo = libpq_url(db_url)
        self._outbox: asyncio.Queue[str] = asyncio.Queue(_OUTBOX_SIZE)
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        await super().start()
        tried = asyncio.Event()
        self._tasks = [
            asyncio.create_task(self._listen(tried)),
            asyncio.create_task(self._send()),
        ]
        # Events published right after start-up must not be missed; a database that is down
        # does not hold up the start: the listener keeps trying in the background.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(tried.wait(), _FIRST_LISTEN_WAIT)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        await super().stop()

    def _hand_over(self, events: list[Event]) -> None:
        payloads = []
        for event in events:
            payload = json.dumps(event, separators=(",", ":"))
            if len(payload.encode()) > _MAX_PAYLOAD:
                log.warning("an event of %d bytes is too large for NOTIFY: dropped", len(payload))
            else:
                payloads.append(payload)
        self._call_soon(self._enqueue, payloads)

    def _enqueue(self, payloads: list[str]) -> None:
        for payload in payloads:
            try:
                self._outbox.put_nowait(payload)
            except asyncio.QueueFull:
                log.warning("the event outbox is full: an event was dropped")

    async def _connect(self) -> psycopg.AsyncConnection:
        return await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True, connect_timeout=5
        )

    def _batches(self, first: str) -> list[str]:
        """`first` and every event queued behind it, as JSON arrays of at most _MAX_PAYLOAD."""
        queued = [first]
        while not self._outbox.empty():
            queued.append(self._outbox.get_nowait())
        return notify_payloads(queued)

    async def _send(self) -> None:
        while True:
            try:
                async with await self._connect() as connection:
                    while True:
                        first = await self._outbox.get()
                        await asyncio.sleep(_LINGER)  # let a busy instance's events pile up
                        for payload in self._batches(first):
                            await connection.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))
            except psycopg.Error as exc:
                log.warning("event sender lost its connection (%s): reconnecting", exc)
                await asyncio.sleep(_RECONNECT_DELAY)

    async def _listen(self, tried: asyncio.Event) -> None:
        """LISTEN until cancelled; `tried` is set once the first attempt succeeded or failed."""
        while True:
            try:
                async with await self._connect() as connection:
                    await connection.execute(f"LISTEN {CHANNEL}")
                    tried.set()
                    async for notification in connection.notifies():
                        self._receive(notification.payload)
            except psycopg.Error as exc:
                tried.set()
                log.warning("event listener lost its connection (%s): reconnecting", exc)
                await asyncio.sleep(_RECONNECT_DELAY)

    def _receive(self, payload: str) -> None:
        if not self.heeded:
            return  # nobody here to tell
        try:
            events = json.loads(payload)
        except ValueError:
            log.warning("a notification on %s is not JSON: ignored", CHANNEL)
            return
        for event in events if isinstance(events, list) else [events]:
            if isinstance(event, dict):
                self.fan_out(event)
