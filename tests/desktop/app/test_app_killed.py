"""The real app as a program, in solo mode: `--quit-after-ready` from an empty home; killed
(kill -9) in the middle of a job, its agent hands the job back at once, the next start replaces
the coordinator the dead app left running, and the job runs to its result. Nothing is lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from pytestqt.qtbot import QtBot

from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.agent.credentials import ENV_KEY_STORE
from shuttersense.desktop.agent.locations import AgentDirs
from shuttersense.desktop.agent.runtime_state import read_state
from shuttersense.desktop.app.settings import FILE_NAME, AppSettings
from tests.desktop.app.solo_app import SoloParts, job_status, queue, set_up_solo, user_api
from tests.desktop.conftest import write_tree
from tests.helpers.agent_process import wait_for
from tests.helpers.samples import FAMILY
from tests.helpers.slow_scan import slow_agent_scans

_APP = (sys.executable, "-m", "shuttersense.desktop.app.main")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in _proc_state(pid)


def _proc_state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][:1]
    except OSError:
        return "Z"


def _status(context: AgentContext, base: str, job: str) -> str | None:
    """The job's status; None while the coordinator does not answer (it is being replaced)."""
    try:
        return job_status(context, base, job)
    except httpx.TransportError:
        return None


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AgentContext:
    """An empty home for this process and the app's: the app finds what the test set up."""
    base = tmp_path / "home"
    for name, folder in (
        ("HOME", base),
        ("XDG_CONFIG_HOME", base / "config"),
        ("XDG_DATA_HOME", base / "data"),
        ("XDG_STATE_HOME", base / "state"),
        ("XDG_CACHE_HOME", base / "cache"),
    ):
        monkeypatch.setenv(name, str(folder))
    monkeypatch.setenv(ENV_KEY_STORE, "file")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    dirs = AgentDirs.default()
    dirs.ensure()
    return AgentContext(dirs)


def _launch(tmp_path: Path) -> subprocess.Popen[bytes]:
    with (tmp_path / "app-output.log").open("ab") as output:
        return subprocess.Popen(_APP, stdout=output, stderr=subprocess.STDOUT)


def _coordinator_pid(context: AgentContext) -> int | None:
    """The embedded coordinator's, from its pid file (None between two coordinators)."""
    pid_file = context.dirs.data / "coordinator" / "coordinator.pid"
    try:
        return int(json.loads(pid_file.read_text())["pid"])
    except (OSError, ValueError):
        return None


def test_kill_9_in_the_middle_of_a_job_loses_nothing(
    qtbot: QtBot, home: AgentContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = home
    settings = AppSettings(context.dirs.config / FILE_NAME)
    base = set_up_solo(SoloParts(context), settings, write_tree(tmp_path / "photos", FAMILY))
    settings.sync()

    slow_agent_scans(monkeypatch, 300)  # the job is still running when the app is killed
    app = _launch(tmp_path)
    try:
        wait_for(lambda: read_state(context.dirs.data).get("online"), 90, "the agent online")
        job = queue(context, base)
        wait_for(lambda: job_status(context, base, job) == "running", 60, "the job running")
        agent = int(read_state(context.dirs.data)["pid"])
        stale = _coordinator_pid(context)
        assert stale is not None
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait(10)

    # The agent's stdin ended with the app: it hands the job back and ends.
    wait_for(lambda: job_status(context, base, job) == "queued", 30, "the job handed back")
    wait_for(lambda: not _alive(agent), 30, "the agent process gone")
    assert _alive(stale)  # the dead app's coordinator is still there

    slow_agent_scans(monkeypatch, 0.5)
    app = _launch(tmp_path)
    try:
        wait_for(lambda: _coordinator_pid(context) not in (stale, None), 90, "a new coordinator")
        assert not _alive(stale)  # replaced, not left beside the new one
        wait_for(lambda: _status(context, base, job) == "completed", 90, "the job done")
        with user_api(context, base) as api:
            results = api.get("/api/results").json()
        assert [result["tool"] for result in results] == ["photostats"]
        fresh = _coordinator_pid(context)
        assert fresh is not None
    finally:
        app.send_signal(signal.SIGTERM)  # a session ending: the app quits cleanly
        code = app.wait(60)
    assert code == 0, (tmp_path / "app-output.log").read_text()
    wait_for(lambda: not _alive(fresh), 30, "the coordinator to stop with the app")


def test_quit_after_ready_sets_solo_mode_up_from_an_empty_home_and_keeps_it(
    home: AgentContext, tmp_path: Path
) -> None:
    """What the installers' CI check of the bundled app runs, twice."""
    runs = [
        subprocess.run(
            [*_APP, "--quit-after-ready"], capture_output=True, text=True, timeout=300, check=False
        )
        for _ in range(2)
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith("ShutterSense is ready (http://127.0.0.1:")
    assert runs[0].stdout == runs[1].stdout  # the same coordinator address after a restart
    identity = home.config.identity
    assert identity is not None and identity.server_url in runs[0].stdout
    assert AppSettings(home.dirs.config / FILE_NAME).solo()
    assert _coordinator_pid(home) is None  # it stopped with the app
