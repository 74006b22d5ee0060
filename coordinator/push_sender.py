"""The background push sender: notices from the job and agent events, sent with pywebpush.

It watches the event bus (the events the job socket streams; on PostgreSQL every instance hears
every event), turns the events that tell something into outbox rows in a worker thread, and
sends the due rows in another, never on a request's path: a slow or failing push service holds
up only this sender. A 404 or 410 deletes the subscription, and so does a host name that now
leads inside the network; other failures are logged with the
endpoint's host only (its path is the subscription's secret) and tried again later, a bounded
number of times (services/push_outbox.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session, sessionmaker

from .event_bus import Event
from .models.base import utcnow
from .services import push_outbox
from .services.push_notices import notices_for, tells
from .services.push_subscriptions import endpoint_addresses_allowed
from .vapid import VapidKeys, VapidSource

if TYPE_CHECKING:
    import requests

__all__ = ["PushSender"]

log = logging.getLogger(__name__)

Outcome = Literal["sent", "gone", "failed"]
_QUEUE_SIZE = 1000
_TTL = 24 * 3600  # a phone that is off for a day still gets the notice
_GONE = (404, 410)


def _host(endpoint: str) -> str:
    return urlsplit(endpoint).hostname or "(no host)"


class PushSender:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        vapid: VapidSource,
        *,
        timeout: float = 10.0,
        retry_every: float = 15.0,
        clock: Callable[[], datetime] = utcnow,
        allow_loopback_http: bool = False,
    ) -> None:
        self._sessions = sessions
        self._vapid = vapid
        self._timeout = timeout
        self._retry_every = retry_every
        self._clock = clock
        self._allow_loopback_http = allow_loopback_http  # development: a local push service
        self._events: asyncio.Queue[Event] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._wake = asyncio.Event()  # an event recorded: send now rather than at the next retry
        # Set at stop: a pass in its thread ends after the message it is sending (its other
        # claims lapse and are sent later, by this or another instance).
        self._stopping = threading.Event()
        self._http: requests.Session | None = None  # made at the first send, kept till stop
        # Held by a pass in its thread: stop waits for it, so no session outlives the engine.
        self._pass = threading.Lock()

    def notice(self, event: Event) -> None:
        """The bus watcher: keep the events that may tell something (on the event loop)."""
        if self._events is None or not tells(event):
            return
        try:
            self._events.put_nowait(event)
        except asyncio.QueueFull:
            log.warning("the push sender is behind: an event's notifications were dropped")

    async def start(self) -> None:
        self._stopping.clear()
        events: asyncio.Queue[Event] = asyncio.Queue(_QUEUE_SIZE)
        self._wake = asyncio.Event()
        self._tasks = [
            asyncio.create_task(self._record(events)),
            asyncio.create_task(self._send()),
        ]
        self._events = events

    async def stop(self) -> None:
        """End the tasks, after the message being sent, if any (its thread cannot be cut)."""
        self._stopping.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await run_in_threadpool(self._pass_over)
        self._tasks = []
        self._events = None
        if self._http is not None:
            self._http.close()
            self._http = None

    # Both loops also end on `_stopping`: Python 3.11's wait_for loses a cancel that comes in the
    # same turn as the wake it waits for, and the loop would then wait on forever.
    async def _record(self, events: asyncio.Queue[Event]) -> None:
        while not self._stopping.is_set():
            batch = [await events.get()]
            while not events.empty():
                batch.append(events.get_nowait())
            try:
                await run_in_threadpool(self._in_pass, self.record, batch)
            except Exception:  # the next event may fare better
                log.exception("push notifications could not be queued")
            self._wake.set()

    async def _send(self) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):  # retries fall due by themselves
                await asyncio.wait_for(self._wake.wait(), self._retry_every)
            self._wake.clear()
            try:
                await run_in_threadpool(self._in_pass, self.deliver_due)
            except Exception:
                log.exception("push notifications could not be sent")

    def _in_pass(self, work: Callable[..., object], *args: object) -> None:
        with self._pass:
            if not self._stopping.is_set():
                work(*args)

    def _pass_over(self) -> None:
        with self._pass:
            pass

    def record(self, events: list[Event]) -> None:
        """Queue the notices of `events` (blocking: run in a thread); nothing while push is not
        set up (production without the VAPID variables)."""
        if self._vapid.keys() is None:
            return
        with self._sessions() as session:
            notices = [notice for event in events for notice in notices_for(session, event)]
            if notices:
                push_outbox.queue(session, notices, self._clock())

    def deliver_due(self) -> int:
        """Send every due delivery (blocking: run in a thread); returns how many went out."""
        delivered = 0
        while True:
            with self._sessions() as session:
                if not delivered:
                    push_outbox.purge_done(session, self._clock())
                claimed = push_outbox.claim(session, self._clock())
            keys = self._vapid.keys() if claimed else None
            if keys is None:  # nothing due, or push no longer set up (claims lapse, retried)
                return delivered
            for delivery in claimed:
                if self._stopping.is_set():
                    return delivered
                outcome = self._send_one(delivery, keys)
                with self._sessions() as session:
                    if outcome == "sent":
                        push_outbox.sent(session, delivery.id, self._clock())
                        delivered += 1
                    elif outcome == "gone":
                        push_outbox.drop_subscription(session, delivery.subscription_id)
                    elif push_outbox.failed(session, delivery, self._clock()):
                        log.warning(
                            "push to %s given up after %d attempts",
                            _host(delivery.endpoint),
                            push_outbox.MAX_ATTEMPTS,
                        )

    def _send_one(self, delivery: push_outbox.Claimed, keys: VapidKeys) -> Outcome:
        # pywebpush (with requests and aiohttp) takes seconds to import on a busy machine:
        # only a process that sends pays for it, when it first does, not every worker's start.
        import requests
        from py_vapid import Vapid02
        from pywebpush import WebPushException, webpush

        host = _host(delivery.endpoint)
        try:
            allowed = endpoint_addresses_allowed(
                delivery.endpoint, allow_loopback_http=self._allow_loopback_http
            )
        except (OSError, UnicodeError, ValueError):
            log.warning("push to %s failed: the name does not resolve; will try again", host)
            return "failed"
        if not allowed:
            log.warning("push subscription at %s leads inside the network: deleted", host)
            return "gone"
        subscription = {
            "endpoint": delivery.endpoint,
            "keys": {"p256dh": delivery.p256dh, "auth": delivery.auth},
        }
        if self._http is None:
            self._http = requests.Session()
        try:
            webpush(
                subscription,
                data=json.dumps(delivery.payload),
                vapid_private_key=Vapid02(keys.private_key),
                vapid_claims={"sub": keys.subject},
                timeout=self._timeout,
                ttl=_TTL,
                requests_session=self._http,
            )
        except WebPushException as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status in _GONE:
                log.info("push subscription at %s is gone (%s): deleted", host, status)
                return "gone"
            log.warning("push to %s failed: HTTP %s; will try again", host, status)
            return "failed"
        except (requests.RequestException, OSError, ValueError) as exc:
            # Never the exception's text: it holds the endpoint's path, the subscription's secret.
            log.warning("push to %s failed: %s; will try again", host, type(exc).__name__)
            return "failed"
        return "sent"
