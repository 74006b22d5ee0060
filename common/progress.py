"""How long work tells its caller how far it got, without knowing who is watching (CLI bar, GUI)."""

from __future__ import annotations

from typing import Protocol

__all__ = ["NullProgress", "ProgressSink"]


class ProgressSink(Protocol):
    """Receives `(stage, done, total)`; `total` is None while the amount of work is unknown."""

    def update(self, stage: str, done: int, total: int | None = None) -> None: ...


class NullProgress:
    """A sink that ignores everything."""

    def update(self, stage: str, done: int, total: int | None = None) -> None:
        return None
