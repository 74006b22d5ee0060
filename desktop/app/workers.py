"""Work off the UI thread: a function runs on a pool, its value comes back on the UI thread.

`Workers.run(work, on_done, on_error)` is the one way the app leaves the UI thread: `work`
only returns a value (or raises); `on_done` / `on_error` run on the UI thread, through a queued
signal, and may touch widgets. The UI thread never waits on the network or the disk.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from shuttersense.common.errors import ShutterSenseError
from shuttersense.desktop.agent.errors import AgentError

from .api import ApiError

__all__ = ["EXPECTED_ERRORS", "Workers"]

log = logging.getLogger(__name__)

# Failures whose message is written for the user; anything else is a bug, logged with its trace.
EXPECTED_ERRORS = (ApiError, AgentError, ShutterSenseError)


class _Delivery(QObject):
    """Lives on the UI thread; the worker emits, the queued slot calls back there."""

    finished = Signal(object, object)  # value, error

    def __init__(
        self,
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None,
        owner: QObject | None,
        arrived: Callable[[_Delivery], bool],
    ) -> None:
        super().__init__()
        self._on_done = on_done
        self._on_error = on_error
        self._owner = owner
        self._arrived = arrived
        self.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(object, object)
    def _deliver(self, value: Any, error: Exception | None) -> None:
        if not self._arrived(self):
            return  # the app is shutting down
        if self._owner is not None and not shiboken6.isValid(self._owner):
            return  # the window that asked is gone
        if error is None:
            self._on_done(value)
        elif self._on_error is not None:
            self._on_error(error)


class _Task(QRunnable):
    def __init__(self, work: Callable[[], Any], delivery: _Delivery) -> None:
        super().__init__()
        self._work = work
        self._delivery = delivery

    def run(self) -> None:
        try:
            value = self._work()
        except EXPECTED_ERRORS as exc:
            log.info("%s", exc)
            self._delivery.finished.emit(None, exc)
        except Exception as exc:
            log.exception("unexpected failure in background work")
            self._delivery.finished.emit(None, exc)
        else:
            self._delivery.finished.emit(value, None)


class Workers(QObject):
    """A small thread pool for network and disk work."""

    def __init__(self, parent: QObject | None = None, threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._pending: set[_Delivery] = set()
        self._closed = False

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None = None,
        *,
        owner: QObject | None = None,
    ) -> None:
        """Run `work` on the pool; `on_done(value)` or `on_error(exc)` on the UI thread, unless
        `owner` was deleted meanwhile (by default the QObject `on_done` is a method of). Once
        shut down, nothing runs: work started then would still be running as the app is taken
        down (a second quit asked for while quitting)."""
        if self._closed:
            log.debug("not run, the app is quitting: %r", work)
            return
        if owner is None:
            bound_to = getattr(on_done, "__self__", None)
            owner = bound_to if isinstance(bound_to, QObject) else None
        delivery = _Delivery(on_done, on_error, owner, self._arrived)
        self._pending.add(delivery)
        self._pool.start(_Task(work, delivery))

    def _arrived(self, delivery: _Delivery) -> bool:
        """Done with `delivery`; whether its callbacks still run."""
        self._pending.discard(delivery)
        return not self._closed

    def busy(self) -> bool:
        return bool(self._pending)

    def shut_down(self, wait_ms: int = 5000) -> bool:
        """Drop work not started yet, wait for the running, and deliver nothing more; False
        when some still runs."""
        self._closed = True
        self._pool.clear()
        return self._pool.waitForDone(wait_ms)
