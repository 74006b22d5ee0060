"""Run a piece of a test as the unprivileged `nobody` user.

CI runs the tests as root, and root reads through `chmod 000`, so a test about unreadable folders
would prove nothing there. `run_as_nobody` forks (`common.beside`; no exec: every module the
function needs must already be imported), drops to uid/gid 65534 in the child, runs the function
and sends its pickled return value back through a pipe. When the tests are not run as root it
simply calls the function.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

from shuttersense.common.beside import Beside
from shuttersense.common.errors import ToolError

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

    def unprivileged() -> T:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
        return fn()

    try:
        return Beside(unprivileged).result()
    except ToolError as exc:
        raise AssertionError(f"failed as nobody: {exc}") from None
