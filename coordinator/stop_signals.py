"""Ending the claims that wait for work as soon as the server is told to stop, whatever server
runs the app: `serve` and its workers, gunicorn's uvicorn workers, the `uvicorn` command.

On SIGTERM or SIGINT uvicorn stops accepting connections and then waits for the requests in
flight. An agent's claim waits up to 30 s for a job, so with a fleet long-polling the process
took 30 s to exit (under gunicorn, until its graceful timeout killed the worker), refusing
connections all along. The app's lifespan shutdown cannot help: it runs only once those requests
are done. So while the app runs, the handler the server installed for these signals is wrapped:
the waiting claims answer 204 at once (their agents call again, elsewhere or once the
coordinator is back), then the server's handler stops it as before.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

__all__ = ["STOP_SIGNALS", "on_stop_signals"]

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@contextmanager
def on_stop_signals(stop: Callable[[], None]) -> Iterator[None]:
    """Within it, a stop signal first has `stop()` called on the running event loop, then goes
    to the handler a server installed for it. A signal nobody handles (its default, or ignored)
    is left as it is, as is everything outside the main thread, where signals cannot be caught."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    loop = asyncio.get_running_loop()
    servers: dict[int, Callable[[int, FrameType | None], Any]] = {}
    for sig in STOP_SIGNALS:
        handler = signal.getsignal(sig)
        if callable(handler):
            servers[sig] = handler

    def stopping(signum: int, frame: FrameType | None) -> None:
        loop.call_soon_threadsafe(stop)
        servers[signum](signum, frame)

    for sig in servers:
        signal.signal(sig, stopping)
    try:
        yield
    finally:
        for sig, handler in servers.items():
            if signal.getsignal(sig) is stopping:  # else someone replaced it since: theirs stays
                signal.signal(sig, handler)
