"""An agent context in tmp_path talking to the fake coordinator, and a way to run commands."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.agent.credentials import ENV_KEY_STORE
from shuttersense.desktop.agent.locations import AgentDirs
from shuttersense.desktop.cli.main import main
from tests.desktop.conftest import SERVER
from tests.desktop.fake_coordinator import REGISTRATION_TOKEN, FakeCoordinator


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


Agent = Callable[..., Outcome]


@pytest.fixture
def context(tmp_path: Path, fake: FakeCoordinator, monkeypatch: pytest.MonkeyPatch) -> AgentContext:
    monkeypatch.setenv(ENV_KEY_STORE, "file")
    base = tmp_path / "agent"
    dirs = AgentDirs(config=base / "config", data=base / "data", logs=base / "logs")
    return AgentContext(dirs, transport=fake.transport)


@pytest.fixture
def agent(context: AgentContext, capsys: pytest.CaptureFixture[str]) -> Agent:
    """Run `shuttersense-agent ARGS…` in `context`; exit code and output."""

    def run(*args: str) -> Outcome:
        code = main(list(args), context=context)
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run


@pytest.fixture
def registered(agent: Agent) -> Agent:
    done = agent("register", "--server", SERVER, "--token", REGISTRATION_TOKEN, "--name", "studio")
    assert done.code == 0, done.err
    return agent
