"""The lane: one thread per worker process for the short database calls of the agents and of
job creation.

Those calls are a few indexed statements each, mostly CPU in Python. Run on many pool threads
they mostly wait for the GIL, and the handing over costs more than the overlap gains: measured
with benchmarks/coordinator_calls.py at 8 requests in flight, a heartbeat costs the coordinator
0.66 ms of CPU on one thread, 0.94 ms on two and 1.07 ms on the default 40. So they take turns
on one thread, while slow routes (reports, sign-in's password hashing) keep the shared pool and
cannot hold the lane up. More throughput comes from more workers (`serve --workers`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread
from anyio import CapacityLimiter

__all__ = ["Lane"]

T = TypeVar("T")


class Lane:
    """Runs blocking functions on one thread at a time, in the order they were asked for."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._limiter: CapacityLimiter | None = None

    async def run(self, fn: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        if self._limiter is None or self._loop is not loop:
            # A limiter belongs to one event loop; tests start several against one app.
            self._loop, self._limiter = loop, CapacityLimiter(1)
        return await anyio.to_thread.run_sync(fn, limiter=self._limiter)
