"""Work run beside the caller, in a forked child process, to use a second core.

Only for a single-threaded caller such as the `shuttersense` command: a fork copies one thread,
so a process with others (the agent's heartbeats) must not use it. The child computes, sends
its pickled answer through a pipe and ends with `os._exit`; the parent reads it when it needs it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import traceback
from collections.abc import Callable
from typing import Generic, TypeVar

from .errors import ToolError

__all__ = ["Beside"]

T = TypeVar("T")


class Beside(Generic[T]):
    """`fn()` started in a child process now; `result()` waits for its value, or `cancel()`
    ends it. Exactly one of them must be called."""

    def __init__(self, fn: Callable[[], T]) -> None:
        read_end, write_end = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:  # the child: never returns into the caller's code
            try:
                os.close(read_end)
                try:
                    payload = pickle.dumps((True, fn()))
                except BaseException as exc:
                    payload = pickle.dumps((False, "".join(traceback.format_exception(exc))))
                with os.fdopen(write_end, "wb") as out:
                    out.write(payload)
            finally:
                os._exit(0)
        os.close(write_end)
        self._read_end = read_end

    def cancel(self) -> None:
        """Stop the child and forget its answer (its writes could otherwise block forever)."""
        os.close(self._read_end)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGKILL)
        os.waitpid(self._pid, 0)

    def result(self) -> T:
        with os.fdopen(self._read_end, "rb") as incoming:
            payload = incoming.read()
        _, status = os.waitpid(self._pid, 0)
        if not payload:
            raise ToolError(f"a helper process ended without an answer (status {status})")
        ok, value = pickle.loads(payload)  # noqa: S301 - written by our own child process
        if not ok:
            raise ToolError(f"a helper process failed:\n{value}")
        return value  # type: ignore[no-any-return]
