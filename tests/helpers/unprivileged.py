"""Run a piece of a test as the unprivileged `nobody` user.

CI runs the tests as root, and root reads through `chmod 000`, so a test about unreadable folders
would prove nothing there. `run_as_nobody` forks (no exec: every module the function needs must
already be imported), drops to uid/gid 65534 in the child, runs the function and sends its pickled
return value back through a pipe. When the tests are not run as root it simply calls the function.
"""

from __future__ import annotations

import os
import pickle
import traceback
from collections.abc import Callable
from typing import TypeVar

__all__ = ["NOBODY", "run_as_nobody"]

NOBODY = 65534
T = TypeVar("T")


def run_as_nobody(fn: Callable[[], T]) -> T:
    """Call `fn` without root privileges and return what it returns (it must be picklable).

    An exception in the child is re-raised in the parent as an AssertionError carrying the
    child's traceback, since arbitrary exceptions do not always survive pickling.
    """
    if os.geteuid() != 0:
        return fn()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never return into pytest, whatever happens
        try:
            os.close(read_end)
            try:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
                payload = pickle.dumps((True, fn()))
            except BaseException:
                payload = pickle.dumps((False, traceback.format_exc()))
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as incoming:
        payload = incoming.read()
    _, status = os.waitpid(pid, 0)
    if not payload:
        raise AssertionError(f"the unprivileged child died without answering (status {status})")
    ok, value = pickle.loads(payload)  # noqa: S301 - written by our own child process
    if not ok:
        raise AssertionError(f"failed as nobody:\n{value}")
    return value  # type: ignore[no-any-return]
