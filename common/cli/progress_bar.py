"""A progress bar on stderr for long runs; silent when stderr is not a terminal."""

from __future__ import annotations

import time
from typing import TextIO

__all__ = ["TerminalProgress"]

_LABELS = {
    "scanning": "Scanning",
    "photostats": "PhotoStats",
    "photo_pairing": "Photo Pairing",
    "pipeline_validation": "Pipeline Validation",
    "sidecars": "Reading sidecars",
    "hashing": "Hashing",
    "report": "Writing report",
}
_WIDTH = 30
_INTERVAL = 0.1


class TerminalProgress:
    """Draws `Stage  [#####-----]  42%  1,234/2,938` in place, at most ten times a second."""

    def __init__(self, stream: TextIO, *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self._last_draw = 0.0
        self._last_stage: str | None = None
        self._line_len = 0

    def update(self, stage: str, done: int, total: int | None = None) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        finished = total is not None and done >= total
        if stage == self._last_stage and not finished and now - self._last_draw < _INTERVAL:
            return
        self._last_draw = now
        self._last_stage = stage
        self._draw(_LABELS.get(stage, stage), done, total)

    def _draw(self, label: str, done: int, total: int | None) -> None:
        if total:
            fraction = min(done / total, 1.0)
            filled = int(fraction * _WIDTH)
            bar = "#" * filled + "-" * (_WIDTH - filled)
            text = f"{label:<20} [{bar}] {fraction:4.0%}  {done:,}/{total:,}"
        else:
            text = f"{label:<20} {done:,} files"
        padding = " " * max(0, self._line_len - len(text))
        self.stream.write("\r" + text + padding)
        self.stream.flush()
        self._line_len = len(text)

    def close(self) -> None:
        """Clear the bar's line so later output starts clean."""
        if self.enabled and self._line_len:
            self.stream.write("\r" + " " * self._line_len + "\r")
            self.stream.flush()
            self._line_len = 0
