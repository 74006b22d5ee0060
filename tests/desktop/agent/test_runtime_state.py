"""The runtime state file `status` reads."""

from __future__ import annotations

import json
import os
from pathlib import Path

from shuttersense.desktop.agent.runtime_state import RuntimeState, read_state


def test_nothing_written_is_not_running(tmp_path: Path) -> None:
    assert read_state(tmp_path) == {"running": False}
    (tmp_path / "state.json").write_text("{half")
    assert read_state(tmp_path) == {"running": False}


def test_updates_are_read_back(tmp_path: Path) -> None:
    state = RuntimeState(tmp_path)
    state.update(online=True, current_job="job_1")
    read = read_state(tmp_path)
    assert read["pid"] == os.getpid()
    assert (read["running"], read["online"], read["current_job"]) == (True, True, "job_1")
    assert read["updated_at"]
    state.update(running=False, current_job=None)
    assert read_state(tmp_path)["running"] is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_the_state_of_a_dead_process_says_stopped(tmp_path: Path) -> None:
    dead = 2**22 + 12345  # above the default pid_max: no such process
    state = {"pid": dead, "running": True, "online": True, "current_job": "job_1"}
    (tmp_path / "state.json").write_text(json.dumps(state))
    read = read_state(tmp_path)
    assert (read["running"], read["online"], read["current_job"]) == (False, False, None)


def test_an_unwritable_folder_does_not_stop_the_agent(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    RuntimeState(blocked / "data").update(online=True)  # status display only: no error
    assert read_state(blocked / "data") == {"running": False}
