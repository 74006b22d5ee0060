"""Wake-ups for long-polling claims: an agent waiting for work is told when a job it may take
is queued, instead of asking the database over and over.

Every job event reaches every instance (the event bus), and an event saying a job is queued
wakes the claims waiting for it: those of the agent its collection is bound to, or one waiting
agent of the team for a job any of them may take. A claim still asks again now and then on its
own (`RECHECK`), for what no event announces: a retry's back-off running out, a revoked key.

A claim notes the loop time before it asks the database; when an event for it arrived since,
it asks again at once, so a job queued between its question and its wait is not missed.

When the server starts to stop, `close` ends every waiting claim (the agents get 204 and call
again, elsewhere or later): the server need not wait out their 30 s before it exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections import defaultdict

from .event_bus import Event

__all__ = ["RECHECK", "ClaimWakeups"]

RECHECK = 5.0  # seconds a waiting claim goes without asking the database at most

_Key = tuple[int, int | None]  # (team, agent); agent None: any agent of the team


class ClaimWakeups:
    """The claims waiting on this instance, by team and agent; used on the event loop only."""

    def __init__(self) -> None:
        self._waiting: defaultdict[int, dict[int, set[asyncio.Future[None]]]] = defaultdict(dict)
        self._last_queued: dict[_Key, float] = {}
        self.closed = False

    @property
    def waiting(self) -> int:
        """How many claims wait on this instance."""
        return sum(len(waiters) for agents in self._waiting.values() for waiters in agents.values())

    def notice(self, event: Event) -> None:
        """An event bus watcher: wake the claims a newly queued job is for."""
        if event.get("event") != "state" or event.get("status") != "queued":
            return
        team, agent = event.get("team"), event.get("agent")
        if not isinstance(team, int) or not (agent is None or isinstance(agent, int)):
            return
        self._last_queued[(team, agent)] = asyncio.get_running_loop().time()
        agents = self._waiting.get(team, {})
        if agent is not None:
            for waiter in agents.get(agent, ()):
                if not waiter.done():
                    waiter.set_result(None)
            return
        for waiters in agents.values():  # any agent may take it: the first one waiting does
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)
                    return

    def close(self) -> None:
        """The server is stopping: end the waiting claims, and every wait from now on, at once."""
        self.closed = True
        for agents in self._waiting.values():
            for waiters in agents.values():
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_result(None)

    async def wait(self, team: int, agent: int, since: float, timeout: float) -> bool:
        """Return when a job for `agent` was queued after the loop time `since`, or after
        `timeout` seconds: True; False at once when the server is stopping (`close`)."""
        never = -math.inf
        last = self._last_queued
        if self.closed:
            return False
        if max(last.get((team, agent), never), last.get((team, None), never)) >= since:
            return True
        waiter = asyncio.get_running_loop().create_future()
        mine = self._waiting[team].setdefault(agent, set())
        mine.add(waiter)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter, timeout)
        finally:
            mine.discard(waiter)
            if not mine:
                del self._waiting[team][agent]
                if not self._waiting[team]:
                    del self._waiting[team]
        return not self.closed
