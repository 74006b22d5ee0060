"""An `AgentControl` over a headless agent (`shuttersense-agent start`) running beside the app.

It reads the state file that agent writes (desktop/agent/runtime_state.py) and counts the
results it keeps for upload. It cannot pause, resume or run that process: the agent runtime
inside the app will.
"""

from __future__ import annotations

from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.agent.runtime_state import read_state

from .agent_control import AgentState, AgentStatus

__all__ = ["HeadlessAgentMonitor"]

_STORE_FILE = "agent.db"  # the offline store's file in the data folder (context.store)


class HeadlessAgentMonitor:
    can_pause = False
    can_run_all = False

    def __init__(self, context: AgentContext) -> None:
        self._context = context

    def status(self) -> AgentStatus:
        state = read_state(self._context.dirs.data)
        if not state.get("running"):
            return AgentStatus(AgentState.STOPPED)
        if state.get("error"):
            return AgentStatus(AgentState.ERROR, reason=str(state["error"]))
        if not state.get("online"):
            return AgentStatus(AgentState.OFFLINE, queued=self._queued())
        if state.get("current_job"):
            return AgentStatus(AgentState.WORKING, job=str(state["current_job"]))
        return AgentStatus(AgentState.IDLE)

    def _queued(self) -> int:
        if not (self._context.dirs.data / _STORE_FILE).exists():
            return 0
        return int(self._context.store.counts()["pending"])

    def pause(self) -> None:
        raise NotImplementedError("pausing comes with the agent inside the app")

    def resume(self) -> None:
        raise NotImplementedError("resuming comes with the agent inside the app")

    def run_all_now(self) -> None:
        raise NotImplementedError("running collections comes with the agent inside the app")

    def stop(self) -> None:
        """The headless agent is its own process: quitting the app leaves it running."""
