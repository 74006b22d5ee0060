"""The agent of this machine as the app sees it: six states, and what the tray can ask of it.

`AgentControl` is the seam the agent runtime inside the app implements
(`embedded_agent.EmbeddedAgent`). Every method may block (disk, a process to start or stop), so
the app calls them on its worker pool, never on the UI thread. Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

__all__ = ["AgentControl", "AgentState", "AgentStatus", "describe"]


class AgentState(StrEnum):
    STOPPED = "stopped"
    IDLE = "idle"  # connected, nothing to do
    WORKING = "working"
    PAUSED = "paused"
    OFFLINE = "offline"  # the coordinator cannot be reached; results are kept
    ERROR = "error"


@dataclass(frozen=True)
class AgentStatus:
    state: AgentState
    percent: float | None = None  # WORKING: how far the running job is, when known
    queued: int = 0  # OFFLINE: results kept for upload
    reason: str | None = None  # ERROR: what went wrong and what to do
    job: str | None = None  # WORKING: the job's GUID
    registration_lost: bool = False  # ERROR: no key here, or the coordinator refused it


def describe(status: AgentStatus) -> str:
    """One line for a tooltip or a status label."""
    state = status.state
    if state is AgentState.STOPPED:
        return "agent stopped"
    if state is AgentState.IDLE:
        return "connected, idle"
    if state is AgentState.WORKING:
        return "working" if status.percent is None else f"working: {status.percent:.0f} %"
    if state is AgentState.PAUSED:
        return "paused"
    if state is AgentState.OFFLINE:
        kept = f"{status.queued} result{'s' if status.queued != 1 else ''} queued for upload"
        return f"offline: coordinator unreachable, {kept}"
    return f"error: {status.reason or 'unknown'}"


class AgentControl(Protocol):
    """What the app (tray, Overview) asks of the agent runtime."""

    can_pause: bool  # False: pause/resume are not possible here
    can_run_all: bool  # False: "run all collections now" is not possible here

    def start(self) -> None:
        """Start working, once this computer is registered (nothing to do before)."""
        ...

    def status(self) -> AgentStatus: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def run_all_now(self) -> None: ...

    def stop(self) -> None:
        """Stop for good (the app quits): a running job is handed back, not lost."""
        ...
