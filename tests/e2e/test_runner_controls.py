"""The agent runner as the desktop app drives it, against a real coordinator: stop and pause
cut a claim's 30 s long poll short, a paused agent is shown paused to the team, and resumed it
takes work again."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from shuttersense.common.agent_protocol import HeartbeatRequest
from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.agent.credentials import ENV_KEY_STORE
from shuttersense.desktop.agent.errors import CoordinatorUnreachable
from shuttersense.desktop.agent.locations import AgentDirs
from shuttersense.desktop.agent.registration import register
from shuttersense.desktop.agent.runner import AgentRunner, RunnerSettings
from shuttersense.desktop.agent.runtime_state import RuntimeState
from tests.desktop.conftest import write_tree
from tests.e2e.conftest import Coordinator
from tests.helpers.agent_process import wait_for
from tests.helpers.samples import FAMILY


class Thread:
    def __init__(self, runner: AgentRunner) -> None:
        self.runner = runner
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.runner.run()
        except BaseException as exc:
            self.error = exc


@pytest.fixture
def context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, coordinator: Coordinator
) -> AgentContext:
    monkeypatch.setenv(ENV_KEY_STORE, "file")
    home = tmp_path / "agent"
    dirs = AgentDirs(config=home / "config", data=home / "data", logs=home / "logs")
    dirs.ensure()
    made = AgentContext(dirs)
    register(made, coordinator.base, coordinator.first_token, "Studio Mac")
    photos = write_tree(tmp_path / "photos", FAMILY)
    made.save(made.config.with_roots((str(photos.resolve()),)))
    return made


@pytest.fixture
def running(context: AgentContext) -> Iterator[Thread]:
    runner = AgentRunner(
        context.connector(),
        context.store,
        context.roots,
        RuntimeState(context.dirs.data),
        RunnerSettings(heartbeat_interval=30, poll_wait=30),
    )
    started = Thread(runner)
    yield started
    runner.stop()
    started.thread.join(10)


def test_stop_ends_the_claim_long_poll_within_a_second(running: Thread) -> None:
    wait_for(lambda: running.runner.polling, 10, "the claim's long poll")
    time.sleep(0.3)  # well inside the coordinator's 30 s wait
    began = time.monotonic()
    running.runner.stop()
    running.thread.join(5)
    assert not running.thread.is_alive()
    assert time.monotonic() - began < 1.0
    assert running.error is None


def test_a_paused_agent_is_paused_for_the_team_and_takes_work_once_resumed(
    running: Thread, coordinator: Coordinator, context: AgentContext, tmp_path: Path
) -> None:
    wait_for(lambda: running.runner.polling, 10, "the claim's long poll")
    agent = context.identity().agent_guid
    began = time.monotonic()
    running.runner.pause()
    wait_for(lambda: not running.runner.polling, 5, "the long poll cut short")
    assert time.monotonic() - began < 1.0
    wait_for(
        lambda: coordinator.api.get(f"/api/agents/{agent}").json()["status"] == "paused",
        10,
        "the coordinator to show the agent paused",
    )
    collection = coordinator.api.post(
        "/api/collections",
        json={"name": "Photos", "root_path": str((tmp_path / "photos").resolve()), "agent": agent},
    )
    assert collection.status_code == 201, collection.text
    job = coordinator.run_tool(collection.json()["guid"], "photostats")
    time.sleep(1.5)  # long enough for a claim to have taken it, were the agent not paused
    assert coordinator.job(job)["status"] == "queued"
    running.runner.resume()
    assert coordinator.wait_job(job)["status"] == "completed"
    assert running.error is None


def test_a_claim_whose_agent_hung_up_takes_no_job_queued_after(
    context: AgentContext, coordinator: Coordinator, tmp_path: Path
) -> None:
    """The coordinator claims nothing for an audit claim's long poll whose agent stopped
    waiting (paused, quit), even when a job comes while that poll still sleeps."""
    agent = context.identity().agent_guid
    client = context.connector()()
    client.heartbeat(HeartbeatRequest(authorized_roots=context.roots().reported()))
    collection = coordinator.api.post(
        "/api/collections",
        json={"name": "Photos", "root_path": str((tmp_path / "photos").resolve()), "agent": agent},
    )
    assert collection.status_code == 201, collection.text
    ended = threading.Event()

    def poll() -> None:
        try:
            client.claim_audit(30)
        except CoordinatorUnreachable:
            pass  # the socket shut down under it: what abort() does
        finally:
            ended.set()

    threading.Thread(target=poll, daemon=True).start()
    time.sleep(0.5)  # the coordinator is now waiting inside the long poll
    client.abort()
    assert ended.wait(5)
    job = coordinator.run_tool(collection.json()["guid"], "photostats")  # wakes the dead poll
    time.sleep(1.5)  # long enough for that poll to have claimed the job, were it allowed to
    assert coordinator.job(job)["status"] == "queued"
    client.close()
