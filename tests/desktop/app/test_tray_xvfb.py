"""A real tray: an X server (Xvfb) and a tray host (trayer), as on a Linux desktop. Without the
host Qt sees no tray; with it the app's icon is embedded there, in its state's colour."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.agent_process import wait_for

PROBE = Path(__file__).with_name("tray_probe.py")


def _need(program: str) -> str:
    found = shutil.which(program)
    assert found, f"{program} is not installed: apt-get install xvfb trayer (as .ci/run does)"
    return found


@pytest.fixture
def display(tmp_path: Path) -> Iterator[str]:
    """A fresh X server on a free display number; its name (":N")."""
    read, write = os.pipe()
    command = [_need("Xvfb"), "-displayfd", str(write), "-screen", "0", "1024x768x24"]
    with (tmp_path / "xvfb.log").open("wb") as log:
        server = subprocess.Popen(
            [*command, "-nolisten", "tcp"],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    os.close(write)
    with os.fdopen(read) as numbers:
        number = numbers.readline().strip()
    try:
        assert number, (tmp_path / "xvfb.log").read_text()
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def probe(display: str, wait: float) -> dict[str, object]:
    env = {key: value for key, value in os.environ.items() if key != "WAYLAND_DISPLAY"}
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
    done = subprocess.run(
        [sys.executable, str(PROBE), str(wait)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_no_tray_host_then_a_real_tray(display: str, tmp_path: Path) -> None:
    bare = probe(display, wait=1.0)
    assert bare == {"platform": "xcb", "available": False}

    options = ["--edge", "bottom", "--align", "right", "--width", "10", "--height", "32"]
    options += ["--transparent", "false", "--tint", "0xffffff"]
    with (tmp_path / "trayer.log").open("wb") as log:
        host = subprocess.Popen(
            [_need("trayer"), *options],
            env=dict(os.environ, DISPLAY=display),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    try:
        wait_for(lambda: host.poll() is None, 5, "trayer")
        report = probe(display, wait=20.0)
    finally:
        host.terminate()
        host.wait(timeout=10)
    assert report["available"] is True, (tmp_path / "trayer.log").read_text()
    assert report["shown"] and report["visible"]
    assert report["tooltip"] == "ShutterSense — error: the folder /photos is missing"
    assert report["error_colour_share"] > 0.2, report  # the red disc of the error state
