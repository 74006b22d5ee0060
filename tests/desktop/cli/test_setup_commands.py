"""register, roots, self-test and status, run as the user would."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from shuttersense.desktop.agent.agent_config import load_config
from shuttersense.desktop.agent.context import AGENT_KEY, AgentContext
from shuttersense.desktop.agent.credentials import ENV_KEY_STORE, FileKeyStore
from shuttersense.desktop.agent.locations import AgentDirs
from shuttersense.desktop.agent.roots import ENV_ROOTS
from shuttersense.desktop.agent.runtime_state import RuntimeState
from shuttersense.desktop.agent.self_test import self_test
from tests.desktop.cli.conftest import Agent
from tests.desktop.conftest import SERVER
from tests.desktop.fake_coordinator import AGENT_KEY as KEY
from tests.desktop.fake_coordinator import FakeCoordinator
from tests.helpers.unprivileged import run_as_nobody


def test_register_stores_identity_and_key(
    agent: Agent, context: AgentContext, fake: FakeCoordinator, photo_tree: Path
) -> None:
    assert agent("roots", "add", str(photo_tree)).code == 0
    done = agent("register", "--server", SERVER + "/", "--token", "art_valid", "--name", "studio")
    assert done.code == 0, done.err
    assert f"registered 'studio' as agt_0001 on {SERVER}" in done.out
    assert "encrypted file" in done.out
    assert "roots add" not in done.out  # a root is there already
    identity = load_config(context.dirs.config).identity
    assert identity is not None
    assert (identity.server_url, identity.agent_guid, identity.team_guid) == (
        SERVER,
        "agt_0001",
        "tea_0001",
    )
    store = FileKeyStore(context.dirs.config)
    assert store.get(AGENT_KEY) == KEY
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert KEY not in (context.dirs.config / "config.json").read_text()
    [call] = fake.calls_to("register")
    assert call.body["registration_token"] == "art_valid"
    assert call.body["authorized_roots"] == [str(photo_tree.resolve())]
    assert "tool:photostats" in call.body["capabilities"]


def test_registering_again_says_it_replaces_the_first(registered: Agent) -> None:
    done = registered("register", "--server", SERVER, "--token", "art_valid", "--name", "two")
    assert done.code == 0
    assert f"replaced the earlier registration agt_0001 on {SERVER}" in done.out
    assert "next: authorize a folder" in done.out


def test_an_invalid_token_is_refused_clearly(agent: Agent, context: AgentContext) -> None:
    done = agent("register", "--server", SERVER, "--token", "art_wrong", "--name", "studio")
    assert done.code == 2
    assert done.err.startswith("shuttersense-agent: error:")
    assert "401" in done.err
    assert "invalid registration token" in done.err
    assert done.out == ""
    assert load_config(context.dirs.config).identity is None
    assert not (context.dirs.config / "credentials.enc").exists()


def test_an_unreachable_server_is_reported(agent: Agent, fake: FakeCoordinator) -> None:
    fake.down = True
    done = agent("register", "--server", SERVER, "--token", "art_valid", "--name", "studio")
    assert done.code == 2
    assert "cannot reach the coordinator" in done.err


@pytest.mark.parametrize("url", ["coordinator.test", "ftp://coordinator.test"])
def test_a_url_that_is_not_http_is_refused(agent: Agent, url: str) -> None:
    done = agent("register", "--server", url, "--token", "art_valid", "--name", "studio")
    assert done.code == 2
    assert "not an http(s) URL" in done.err


def test_roots_add_list_remove(agent: Agent, context: AgentContext, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    assert "no authorized roots" in agent("roots", "list").out
    added = agent("roots", "add", str(first))
    assert (added.code, added.out) == (0, f"authorized {first.resolve()}\n")
    assert agent("roots", "add", str(second / ".." / "b")).code == 0
    assert agent("roots", "add", str(first)).code == 0  # twice is once
    assert agent("roots", "list").out.splitlines() == [
        str(first.resolve()),
        str(second.resolve()),
    ]
    removed = agent("roots", "remove", str(first))
    assert (removed.code, removed.out) == (0, f"removed {first.resolve()}\n")
    assert load_config(context.dirs.config).roots == (str(second.resolve()),)


def test_roots_add_refuses_what_is_not_a_folder(agent: Agent, tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    for path in (tmp_path / "file.txt", tmp_path / "missing"):
        done = agent("roots", "add", str(path))
        assert (done.code, done.out) == (2, "")
        assert done.err == f"shuttersense-agent: error: {path.resolve()} is not a folder\n"
    assert "no authorized roots" in agent("roots", "list").out


def test_roots_remove_of_an_unknown_root(agent: Agent, tmp_path: Path) -> None:
    done = agent("roots", "remove", str(tmp_path))
    assert (done.code, done.out) == (2, "")
    assert "is not an authorized root" in done.err


def test_roots_list_shows_roots_from_the_environment(
    agent: Agent, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_ROOTS, str(tmp_path))
    assert agent("roots", "list").out == f"{tmp_path.resolve()}  (from {ENV_ROOTS})\n"


def test_status_when_not_registered(agent: Agent) -> None:
    done = agent("status")
    assert done.code == 0
    assert done.out.splitlines() == [
        "not registered: run `shuttersense-agent register`",
        "state:        stopped (start it with `shuttersense-agent start`)",
        "kept results: 0 waiting for upload",
    ]


def test_status_when_registered_and_running(registered: Agent, context: AgentContext) -> None:
    assert "stopped" in registered("status").out
    RuntimeState(context.dirs.data).update(online=True, current_job="job_0001")
    context.store.add_job_result("complete", "job_0001", "tok", "photostats", {})
    rejected = context.store.add_job_result("complete", "job_0002", "tok", "photostats", {})
    context.store.reject(rejected, "no")
    done = registered("status")
    assert done.code == 0
    assert done.out.splitlines() == [
        f"server:       {SERVER}",
        "agent:        studio (agt_0001)",
        f"agent key:    {FileKeyStore(context.dirs.config).description}",
        "state:        running, online",
        "current job:  job_0001",
        "kept results: 1 waiting for upload, 1 refused by the coordinator",
    ]


def test_status_of_an_agent_that_died_says_stopped(
    registered: Agent, context: AgentContext
) -> None:
    context.dirs.ensure()
    state = context.dirs.data / "state.json"
    dead = 2**22 + 12345  # above the default pid_max: no such process
    state.write_text(f'{{"pid": {dead}, "running": true, "online": true}}')
    assert "state:        stopped" in registered("status").out


def test_self_test_of_a_fresh_agent(agent: Agent, context: AgentContext) -> None:
    done = agent("self-test")
    assert done.code == 1
    assert done.out.splitlines() == [
        "FAIL  registered: not registered: run `shuttersense-agent register`",
        f"OK    keyring: fallback: {FileKeyStore(context.dirs.config).description}",
        "FAIL  roots: no authorized roots: `shuttersense-agent roots add PATH`",
        f"OK    data folder: {context.dirs.data} writable",
    ]


def test_self_test_of_a_working_agent(registered: Agent, photo_tree: Path) -> None:
    registered("roots", "add", str(photo_tree))
    done = registered("self-test")
    assert done.code == 0, done.out
    lines = done.out.splitlines()
    assert lines[:4] == [
        f"OK    registered: agt_0001 on {SERVER}",
        f"OK    server: {SERVER} answers",
        "OK    agent key: accepted",
        lines[3],
    ]
    assert lines[3].startswith("OK    keyring: fallback: no OS keyring backend")
    assert f"OK    root {photo_tree.resolve()}: readable" in lines


def test_self_test_reports_a_refused_key(registered: Agent, fake: FakeCoordinator) -> None:
    fake.fail_next("pool-status", 401)
    done = registered("self-test")
    assert done.code == 1
    assert f"OK    server: {SERVER} answers" in done.out
    assert "FAIL  agent key: scripted 401: register again with a new token" in done.out


def test_self_test_reports_a_server_that_is_down(registered: Agent, fake: FakeCoordinator) -> None:
    fake.down = True
    done = registered("self-test")
    assert done.code == 1
    assert "FAIL  server: cannot reach the coordinator" in done.out


def test_self_test_reports_a_missing_key(registered: Agent, context: AgentContext) -> None:
    FileKeyStore(context.dirs.config).delete(AGENT_KEY)
    done = registered("self-test")
    assert "FAIL  agent key: no agent key stored: register again" in done.out


def test_self_test_reports_an_unreadable_root(shared_tree: Path) -> None:
    root = shared_tree / "locked"
    root.mkdir(mode=0)
    home = shared_tree / "home"
    home.mkdir()
    home.chmod(0o777)

    def roots_checked() -> list[tuple[str, bool, str]]:  # as `nobody`: root reads everything
        os.environ[ENV_ROOTS] = str(root)
        os.environ[ENV_KEY_STORE] = "file"
        context = AgentContext(AgentDirs(home / "config", home / "data", home / "logs"))
        return [(c.name, c.ok, c.detail) for c in self_test(context) if c.name.startswith("root")]

    assert run_as_nobody(roots_checked) == [
        (f"root {root}", False, "missing or not readable by this user")
    ]
