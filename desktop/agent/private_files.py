"""Files only this user may read, written atomically, and a lock for read-modify-write.

Several agent processes share the config folder (the running agent, `status`, `sync`…), so a
write goes to a uniquely named temporary file that replaces the target in one step, and a
change that reads first holds an exclusive lock. `held_if_free` is the lock that does not wait:
the kernel drops it when its process dies, so nothing stays claimed by a killed agent.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["held_if_free", "locked", "write_private"]


def write_private(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step, mode 0600, flushed to disk."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as handle:  # mkstemp makes it 0600
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if missing) for the block."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


@contextmanager
def held_if_free(path: Path) -> Iterator[bool]:
    """Hold an exclusive lock on `path` for the block if no one else does (True), else False at
    once. The holder removes the file as it leaves, so these files do not pile up."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        # The holder before us may have removed the file after we opened it: our lock is then
        # on a file no one else will open, and a newcomer could lock a new one beside us.
        try:
            current = os.stat(path)
        except FileNotFoundError:
            current = None
        opened = os.fstat(descriptor)
        if current is None or (current.st_dev, current.st_ino) != (opened.st_dev, opened.st_ino):
            yield False
            return
        try:
            yield True
        finally:
            # Removed while still locked: one who opened it before and locks it after us finds
            # it gone (the check above) and backs off.
            path.unlink(missing_ok=True)
    finally:
        os.close(descriptor)
