"""test, run, sync and collections, run as the user would, against the fake coordinator."""

from __future__ import annotations

from pathlib import Path

import pytest

from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.agent.private_files import held_if_free
from tests.desktop.cli.conftest import Agent
from tests.desktop.fake_coordinator import FakeCoordinator
from tests.helpers.samples import FAMILY


def test_test_accepts_an_authorized_folder(agent: Agent, photo_tree: Path) -> None:
    agent("roots", "add", str(photo_tree))
    done = agent("test", str(photo_tree / "2024"))
    assert done.code == 0, done.err
    size = sum(len(v) if isinstance(v, bytes) else v for v in FAMILY.values())
    assert done.out.splitlines() == [
        f"OK  {(photo_tree / '2024').resolve()}: readable and authorized, 7 files, {size:,} bytes"
    ]


def test_test_refuses_a_path_outside_the_roots(
    agent: Agent, photo_tree: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    agent("roots", "add", str(other))
    done = agent("test", str(photo_tree))
    assert done.code == 2
    assert done.out == ""
    assert done.err.startswith("shuttersense-agent: error:")
    assert "outside the authorized roots" in done.err
    assert str(other.resolve()) in done.err


def test_test_without_roots_says_how_to_add_one(agent: Agent, photo_tree: Path) -> None:
    done = agent("test", str(photo_tree))
    assert done.code == 2
    assert "roots add" in done.err


def test_commands_that_need_a_registration_say_so(agent: Agent) -> None:
    for command in (["sync"], ["collections", "list"]):
        done = agent(*command)
        assert done.code == 4  # NOT_REGISTERED: the desktop app offers to register again
        assert "not registered" in done.err
        assert "shuttersense-agent register" in done.err


def test_run_uploads_into_a_new_collection(
    registered: Agent, context: AgentContext, fake: FakeCoordinator, photo_tree: Path
) -> None:
    registered("roots", "add", str(photo_tree))
    done = registered("run", str(photo_tree))
    assert done.code == 0, done.err
    assert f"analysed {photo_tree.resolve()}: 7 files" in done.out
    assert "  photostats: done" in done.out
    assert "  pipeline_validation: skipped" in done.out
    assert "uploaded 2 result(s)" in done.out
    [made] = fake.collections
    assert (made["name"], made["root_path"]) == ("photos", str(photo_tree.resolve()))
    assert {body["result"]["tool"] for body in fake.results.values()} == {
        "photostats",
        "photo_pairing",
    }
    assert context.store.counts() == {"pending": 0, "rejected": 0}


def test_run_offline_keeps_the_results_for_sync(
    registered: Agent, context: AgentContext, fake: FakeCoordinator, photo_tree: Path
) -> None:
    registered("roots", "add", str(photo_tree))
    done = registered("run", str(photo_tree), "--tools", "photostats", "--offline")
    assert done.code == 0, done.err
    assert "kept offline; upload with `shuttersense-agent sync`" in done.out
    assert fake.calls_to("results") == []
    assert context.store.counts()["pending"] == 1
    synced = registered("sync")
    assert (synced.code, synced.out) == (0, "uploaded 1 result(s)\n")
    assert len(fake.results) == 1
    assert context.store.counts()["pending"] == 0


def test_sync_with_the_coordinator_down_exits_3(
    registered: Agent, context: AgentContext, fake: FakeCoordinator, photo_tree: Path
) -> None:
    registered("roots", "add", str(photo_tree))
    registered("run", str(photo_tree), "--tools", "photostats", "--offline")
    fake.down = True
    done = registered("sync")
    assert done.code == 3
    assert "1 result(s) kept for `sync`: cannot reach the coordinator" in done.out
    assert context.store.counts()["pending"] == 1


def test_run_refuses_a_folder_outside_the_roots(
    registered: Agent, fake: FakeCoordinator, photo_tree: Path
) -> None:
    done = registered("run", str(photo_tree))
    assert done.code == 2
    assert "no authorized roots" in done.err
    assert fake.calls_to("results") == []


def test_collections_create_and_list(
    registered: Agent, fake: FakeCoordinator, photo_tree: Path
) -> None:
    registered("roots", "add", str(photo_tree))
    made = registered("collections", "create", str(photo_tree), "--name", "Studio")
    assert made.code == 0, made.err
    root = photo_tree.resolve()
    assert made.out == f"col_0001  Studio  {root}\n"
    [create] = [call for call in fake.calls_to("collections") if call.method == "POST"]
    assert create.body == {
        "name": "Studio",
        "root_path": str(root),
        "authorized_roots": [str(root)],
    }
    again = registered("collections", "create", str(photo_tree), "--name", "Other")
    assert again.out == made.out  # the folder has its collection already
    assert registered("collections", "list").out == f"col_0001  Studio  {root}\n"


def test_collections_create_refuses_a_folder_outside_the_roots(
    registered: Agent, fake: FakeCoordinator, photo_tree: Path
) -> None:
    done = registered("collections", "create", str(photo_tree), "--name", "Studio")
    assert done.code == 2
    assert fake.collections == []


def test_a_tool_that_cannot_run_is_refused_before_anything_is_kept(
    registered: Agent, context: AgentContext, photo_tree: Path
) -> None:
    registered("roots", "add", str(photo_tree))
    done = registered("run", str(photo_tree), "--tools", "pipeline_validation", "--offline")
    assert done.code == 2
    assert "needs a pipeline: set a default pipeline on the coordinator" in done.err
    assert context.store.counts() == {"pending": 0, "rejected": 0}


@pytest.mark.parametrize("tools", ["", "photostats,"])
def test_run_refuses_an_empty_tool_list_or_item(
    registered: Agent, context: AgentContext, fake: FakeCoordinator, photo_tree: Path, tools: str
) -> None:
    registered("roots", "add", str(photo_tree))
    done = registered("run", str(photo_tree), "--tools", tools)
    assert (done.code, done.out) == (2, "")
    assert done.err.count("\n") == 1
    assert done.err.endswith("choose from photostats, photo_pairing, pipeline_validation\n")
    assert context.store.counts() == {"pending": 0, "rejected": 0}
    assert fake.calls_to("results") == []


def test_start_refuses_while_this_agent_runs_already(
    registered: Agent, context: AgentContext, fake: FakeCoordinator
) -> None:
    fake.fail_next("heartbeat", 401)  # were it to start anyway, it would end at once
    fake.fail_next("claim", 401)
    with held_if_free(context.dirs.data / "start.lock") as held:  # as a running `start` does
        assert held
        done = registered("start")
    assert done.code == 2
    assert "running already" in done.err and "shuttersense-agent status" in done.err
    assert fake.calls_to("heartbeat") == fake.calls_to("claim") == []
