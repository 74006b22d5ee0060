"""The parsing process: large result documents are parsed, checked and packed for storage in a
process of their own (services/body_results.py), so that the server's event loop
and its other threads do not wait on the GIL meanwhile (docs/performance.md, "Large request
bodies").

One process per server process, spawned (never forked: the server holds threads, database pools
and an event loop) when first needed and stopped with the app's lifespan. A child that dies
mid-document (killed, out of memory) is replaced by the next call; the caller gets Unavailable
(503, Retry-After), never a hang.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import ParamSpec, TypeVar

from .errors import Unavailable

__all__ = ["ParsePool"]

log = logging.getLogger(__name__)
_P = ParamSpec("_P")
_T = TypeVar("_T")


class ParsePool:
    """Runs picklable functions in the parsing process, one call at a time; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                context = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
            return self._pool

    def run(self, work: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
        """`work(*args, **kwargs)` in the parsing process (blocking: call it from a worker
        thread, never on the event loop)."""
        pool = self._executor()
        try:
            return pool.submit(work, *args, **kwargs).result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            pool.shutdown(wait=False)
            log.error("the parsing process ended while reading a document; a new one takes over")
            raise Unavailable(
                "the coordinator could not read this document just now: send the same request again"
            ) from None

    def close(self) -> None:
        """Stop the parsing process, if it runs; a later call starts another."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
