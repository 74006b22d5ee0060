"""The in-process event bus: job events fan out to the WebSockets of this coordinator.

Every subscriber owns a bounded asyncio queue on the app's event loop. Publishing is thread-safe
and never blocks or raises: a subscriber whose queue is full is dropped (its socket closes and
the client reconnects), so a slow consumer holds up neither the others nor the request that
published. Events are best effort: a client that needs the truth reads the REST API.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["QUEUE_SIZE", "Event", "EventBus", "SlowConsumer", "Subscription"]

log = logging.getLogger(__name__)

Event = dict[str, Any]
QUEUE_SIZE = 256


class SlowConsumer(Exception):
    """The subscriber fell behind by a whole queue: its events were dropped."""


class Subscription:
    """The events of one team (or of one job of it), queued for one socket."""

    def __init__(self, team_id: int, job_guid: str | None, size: int) -> None:
        self.team_id = team_id
        self.job_guid = job_guid
        self.dropped = False
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue(size)

    def wants(self, event: Event) -> bool:
        return event.get("team") == self.team_id and (
            self.job_guid is None or event.get("job") == self.job_guid
        )

    def offer(self, event: Event) -> None:
        """Queue the event; on overflow, drop everything and leave a marker that ends `next`."""
        if self.dropped:
            return
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self.dropped = True
            while not self._queue.empty():
                self._queue.get_nowait()
            self._queue.put_nowait(None)

    async def next(self) -> Event:
        event = await self._queue.get()
        if event is None:
            raise SlowConsumer("events were dropped: this client reads too slowly")
        return event


class EventBus:
    """Fan-out inside one process (SQLite, or a single instance). `start` binds it to the
    running loop; until then, and after `stop`, published events go nowhere."""

    def __init__(self, queue_size: int = QUEUE_SIZE) -> None:
        self._queue_size = queue_size
        self._subscriptions: set[Subscription] = set()
        self._watchers: list[Callable[[Event], None]] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def connections(self) -> int:
        """How many subscribers (open sockets) there are."""
        return len(self._subscriptions)

    @property
    def heeded(self) -> bool:
        """Whether anything in this process wants events at all."""
        return bool(self._subscriptions or self._watchers)

    def watch(self, watcher: Callable[[Event], None]) -> None:
        """Call `watcher` with every event, on the event loop; it must be quick."""
        self._watchers.append(watcher)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()

    async def stop(self) -> None:
        self._loop = None

    def publish(self, *events: Event) -> None:
        """Send the events, in order, to every interested subscriber; callable from any thread
        (one wake-up of the loop for them all); never raises."""
        try:
            self._hand_over(list(events))
        except Exception:  # publishing must never fail the request that made the event
            log.exception("an event could not be published")

    def _hand_over(self, events: list[Event]) -> None:
        self._call_soon(self._fan_out_all, events)

    def _fan_out_all(self, events: list[Event]) -> None:
        for event in events:
            self.fan_out(event)

    def _call_soon(self, callback: Callable[[Any], None], argument: Any) -> None:
        loop = self._loop
        if loop is None:
            return
        try:
            loop.call_soon_threadsafe(callback, argument)
        except RuntimeError:  # the loop closed meanwhile: the app is shutting down
            return

    def fan_out(self, event: Event) -> None:
        """Deliver to the local watchers and subscribers; runs on the event loop."""
        for watcher in self._watchers:
            watcher(event)
        for subscription in list(self._subscriptions):
            if subscription.wants(event):
                subscription.offer(event)

    @contextmanager
    def subscribe(self, team_id: int, job_guid: str | None = None) -> Iterator[Subscription]:
        """A subscription for the block's duration; create it on the event loop."""
        subscription = Subscription(team_id, job_guid, self._queue_size)
        self._subscriptions.add(subscription)
        try:
            yield subscription
        finally:
            self._subscriptions.discard(subscription)
