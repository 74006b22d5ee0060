"""Where the UI thread was while it stalled: a thread looks at its stack while a tick is late.

The event loop calls `ticked()` at every tick; meanwhile a watcher thread, every few
milliseconds, takes the UI thread's Python stack when no tick came for `after_ms`. When the
loop comes back, `where()` names the places seen most during that stall ("file:line function",
innermost first, the project's own frames preferred), so a stall over the target in
desktop_latest.json says what the app was doing, not only when.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from types import FrameType

__all__ = ["StallWatch"]

_OURS = ("/shuttersense/", "/desktop/", "/coordinator/", "/common/", "/benchmarks/")


def _place(frame: FrameType | None) -> str:
    """The innermost frame of the project's own code under `frame` (else the innermost)."""
    leaf = frame
    while frame is not None:
        path = frame.f_code.co_filename
        if any(part in path for part in _OURS) and "stall_watch" not in path:
            return _describe(frame) + ("" if frame is leaf else f" (in {_describe(leaf)})")
        frame = frame.f_back
    return _describe(leaf) if leaf is not None else "?"


def _describe(frame: FrameType | None) -> str:
    if frame is None:
        return "?"
    name = frame.f_code.co_filename.rsplit("/", 2)[-2:]
    return f"{'/'.join(name)}:{frame.f_lineno} {frame.f_code.co_name}"


class StallWatch:
    def __init__(self, after_ms: float = 20.0, every_ms: float = 2.0) -> None:
        self._thread_id = threading.get_ident()  # made on the UI thread
        self._after = after_ms / 1000
        self._every = every_ms / 1000
        self._last = time.monotonic()
        self._seen: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="stall-watch", daemon=True)

    def start(self) -> None:
        self._watcher.start()

    def stop(self) -> None:
        self._stop.set()
        self._watcher.join()

    def ticked(self) -> None:
        self._last = time.monotonic()

    def where(self, most: int = 3) -> list[str]:
        """The places seen during the stall that just ended, most seen first; forgets them."""
        with self._lock:
            seen, self._seen = self._seen, Counter()
        return [f"{place} ×{count}" for place, count in seen.most_common(most)]

    def _watch(self) -> None:
        while not self._stop.wait(self._every):
            if time.monotonic() - self._last < self._after:
                continue
            frame = sys._current_frames().get(self._thread_id)
            with self._lock:
                self._seen[_place(frame)] += 1
