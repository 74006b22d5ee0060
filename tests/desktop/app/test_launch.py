"""`shuttersense-desktop` as a program: --version without Qt, and one app per user (a second
launch brings the first to the front; a socket left by a killed app does not block a new one)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from shuttersense.common import __version__
from tests.helpers.agent_process import AgentHome, wait_for

PROGRAM = str(Path(sys.executable).with_name("shuttersense-desktop"))


@pytest.fixture
def home(tmp_path: Path) -> Iterator[AgentHome]:
    """A user of their own: HOME and XDG folders under tmp_path, Qt offscreen."""
    made = AgentHome(tmp_path / "home")
    made.base.mkdir()
    made.env["QT_QPA_PLATFORM"] = "offscreen"
    yield made
    for process in made.processes:  # quit cleanly, so no socket file is left in /tmp
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def launch(home: AgentHome, *args: str) -> subprocess.Popen[bytes]:
    with (home.base / "launches.log").open("ab") as out:
        process = subprocess.Popen(
            [PROGRAM, *args], env=home.env, stdout=out, stderr=subprocess.STDOUT
        )
    home.processes.append(process)
    return process


def app_log(home: AgentHome) -> str:
    path = home.base / "state" / "shuttersense-agent" / "log" / "agent.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def started(home: AgentHome, times: int) -> None:
    wait_for(lambda: app_log(home).count("ShutterSense started") >= times, 60, "the app")


def test_version_needs_no_qt(home: AgentHome) -> None:
    done = subprocess.run(
        [PROGRAM, "--version"], env=home.env, capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout) == (0, f"shuttersense-desktop {__version__}\n")
    probe = (
        "import sys; from shuttersense.desktop.app.main import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], env=home.env, capture_output=True, text=True, check=False
    )
    assert loaded.stdout.splitlines()[-1] == "[]", loaded.stderr


def test_a_second_launch_brings_the_first_to_the_front(home: AgentHome) -> None:
    first = launch(home)
    started(home, 1)
    second = subprocess.run(
        [PROGRAM], env=home.env, capture_output=True, text=True, timeout=60, check=False
    )
    assert second.returncode == 0, second.stderr
    assert "ShutterSense is running already: its window was brought to the front" in second.stdout
    wait_for(lambda: "a second launch asked for the window" in app_log(home), 30, "activation")
    assert first.poll() is None  # the first one goes on
    assert app_log(home).count("ShutterSense started") == 1
    first.terminate()  # a session ending: the app quits cleanly
    assert first.wait(timeout=30) == 0
    assert "SIGTERM received: quitting" in app_log(home)
    assert "ShutterSense quits" in app_log(home)


def test_a_killed_apps_socket_does_not_block_the_next(home: AgentHome) -> None:
    killed = launch(home)
    started(home, 1)
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(timeout=10)
    launch(home)  # finds the socket file of the dead one, and takes its place
    started(home, 2)
    assert "removed the stale socket" in app_log(home)
    third = subprocess.run(
        [PROGRAM], env=home.env, capture_output=True, text=True, timeout=60, check=False
    )
    assert third.returncode == 0 and "brought to the front" in third.stdout
