"""What a running agent is doing, in a small JSON file `status` (and the desktop app) can read."""

from __future__ import annotations

import contextlib
import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .private_files import write_private

__all__ = ["RuntimeState", "read_state"]

_FILE = "state.json"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_state(folder: Path) -> dict[str, Any]:
    """The last state written; `running` is False when the process that wrote it is gone."""
    try:
        state = json.loads((folder / _FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"running": False}
    if state.get("running") and not _alive(int(state.get("pid", 0))):
        state.update(running=False, online=False, current_job=None)
    return state


class RuntimeState:
    """Thread-safe updates, each written atomically."""

    def __init__(self, folder: Path) -> None:
        self._path = folder / _FILE
        self._lock = threading.Lock()
        self._values: dict[str, Any] = {
            "pid": os.getpid(),
            "running": True,
            "online": False,
            "current_job": None,
            "percent": None,  # of the current job, as last reported
            "paused": False,
            "queued": 0,  # results kept for upload
            "error": None,
        }

    def update(self, **values: Any) -> None:
        with self._lock:
            self._values.update(values, updated_at=datetime.now(UTC).isoformat(timespec="seconds"))
            # For `status` to show only: the agent's work does not depend on it.
            with contextlib.suppress(OSError):
                write_private(self._path, json.dumps(self._values).encode())
