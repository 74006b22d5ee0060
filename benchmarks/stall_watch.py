"""What kept the UI thread from running while it stalled.

The event loop calls `ticked()` at every tick; meanwhile a watcher thread, every few
milliseconds, takes the UI thread's Python stack when no tick came for `after_ms`, and the
garbage collector reports its passes. When the loop comes back, `ticked()` says what happened
meanwhile: CPU time used, long collector passes, the places seen most ("file:line function",
innermost first, the project's own frames preferred), so a stall in desktop_latest.json says
what the app was doing, not only when.
"""

from __future__ import annotations

import gc
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
        self._cpu = (time.thread_time(), time.process_time())
        self._seen: Counter[str] = Counter()
        self._passes: list[str] = []  # the collector's long passes since the last tick
        self._pass_began = 0.0
        self.longest_pass_ms = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="stall-watch", daemon=True)

    def start(self) -> None:
        gc.callbacks.append(self._collector)
        self._watcher.start()

    def stop(self) -> None:
        self._stop.set()
        self._watcher.join()
        gc.callbacks.remove(self._collector)

    def ticked(self) -> list[str]:
        """At each tick: what happened since the last one, for a stall that just ended: the CPU
        time of the UI thread and of the whole process (the UI thread busy, another thread
        holding the GIL, or the process not running at all), the collector's passes over 5 ms
        and the places the UI thread was seen at, most seen first. Forgets them."""
        self._last = time.monotonic()
        cpu = (time.thread_time(), time.process_time())
        ui, app = ((now - before) * 1000 for now, before in zip(cpu, self._cpu, strict=True))
        self._cpu = cpu
        with self._lock:
            seen, self._seen = self._seen, Counter()
            passes, self._passes = self._passes, []
        places = [f"{place} ×{count}" for place, count in seen.most_common(3)]
        return [f"cpu ms: ui thread {ui:.0f}, process {app:.0f}", *passes, *places]

    def _collector(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._pass_began = time.perf_counter()
            return
        ms = (time.perf_counter() - self._pass_began) * 1000
        self.longest_pass_ms = max(self.longest_pass_ms, ms)
        if ms >= 5:
            with self._lock:
                self._passes.append(f"collector pass, generation {info['generation']}: {ms:.0f} ms")

    def _watch(self) -> None:
        while not self._stop.wait(self._every):
            if time.monotonic() - self._last < self._after:
                continue
            frame = sys._current_frames().get(self._thread_id)
            with self._lock:
                self._seen[_place(frame)] += 1
