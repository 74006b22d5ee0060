"""The wait between tries at a coordinator that is down or refuses for now."""

from __future__ import annotations

__all__ = ["Backoff"]


class Backoff:
    """1 s, 2 s, 4 s … up to `ceiling`, back to the start after a success."""

    def __init__(self, ceiling: float = 60.0) -> None:
        self.ceiling = ceiling
        self._next = 1.0

    def next(self) -> float:
        delay, self._next = self._next, min(self._next * 2, self.ceiling)
        return delay

    def reset(self) -> None:
        self._next = 1.0
