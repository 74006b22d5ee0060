"""Until the agent runs inside the app, the app reports a `shuttersense-agent start` running
beside it: from the state file that agent writes and the results it keeps for upload."""

from __future__ import annotations

import pytest

from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.agent.runtime_state import RuntimeState
from shuttersense.desktop.app.services.agent_control import AgentState, AgentStatus
from shuttersense.desktop.app.services.headless_agent import HeadlessAgentMonitor
from tests.coordinator.factories import photostats_result


def test_its_states(context: AgentContext) -> None:
    monitor = HeadlessAgentMonitor(context)
    assert monitor.status() == AgentStatus(AgentState.STOPPED)  # no agent ever ran here
    state = RuntimeState(context.dirs.data)  # what a running agent writes (this process)
    state.update(online=True)
    assert monitor.status() == AgentStatus(AgentState.IDLE)
    state.update(current_job="job_01")
    assert monitor.status() == AgentStatus(AgentState.WORKING, job="job_01")
    state.update(current_job=None, online=False)
    assert monitor.status() == AgentStatus(AgentState.OFFLINE, queued=0)
    context.store.add_local_result(
        "photostats",
        {"result": photostats_result(), "input_state_hash": "ab" * 32},
        collection_guid=None,
        root_path="/photos",
        collection_name="photos",
    )
    assert monitor.status() == AgentStatus(AgentState.OFFLINE, queued=1)
    state.update(error="the agent key was refused: register again")
    assert monitor.status() == AgentStatus(
        AgentState.ERROR, reason="the agent key was refused: register again"
    )


def test_it_cannot_be_driven(context: AgentContext) -> None:
    monitor = HeadlessAgentMonitor(context)
    assert not monitor.can_pause and not monitor.can_run_all
    with pytest.raises(NotImplementedError, match="comes with the agent inside the app"):
        monitor.pause()
    monitor.stop()  # quitting the app leaves a headless agent alone
