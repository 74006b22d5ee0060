"""A stand-in for the agent runtime inside the app: its state is whatever the test sets."""

from __future__ import annotations

import threading

from shuttersense.desktop.app.services.agent_control import AgentState, AgentStatus

__all__ = ["FakeAgentControl"]


class FakeAgentControl:
    """An `AgentControl` whose status the test drives; it records what it was asked."""

    def __init__(self, *, can_pause: bool = True, can_run_all: bool = True) -> None:
        self.can_pause = can_pause
        self.can_run_all = can_run_all
        self._status = AgentStatus(AgentState.IDLE)
        self._lock = threading.Lock()
        self.calls: list[str] = []
        self.threads: set[str] = set()

    def set(self, status: AgentStatus) -> None:
        with self._lock:
            self._status = status

    def _record(self, call: str) -> None:
        with self._lock:
            self.calls.append(call)
            self.threads.add(threading.current_thread().name)

    def status(self) -> AgentStatus:
        with self._lock:
            self.threads.add(threading.current_thread().name)
            return self._status

    def pause(self) -> None:
        self._record("pause")
        self.set(AgentStatus(AgentState.PAUSED))

    def resume(self) -> None:
        self._record("resume")
        self.set(AgentStatus(AgentState.IDLE))

    def run_all_now(self) -> None:
        self._record("run_all_now")

    def stop(self) -> None:
        self._record("stop")
        self.set(AgentStatus(AgentState.STOPPED))
