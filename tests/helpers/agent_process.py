"""A real `shuttersense-agent` in its own process, with its own home folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["AgentHome", "wait_for"]

_COMMAND = (sys.executable, "-m", "shuttersense.desktop.cli.main")


def wait_for(condition: Callable[[], object], timeout: float = 30.0, what: str = "it") -> object:
    """Poll `condition` until it returns something truthy; fail the test after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class AgentHome:
    """Config, data and logs of one agent under `base` (XDG folders), its key in a file store."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("XDG_", "SHUSAI_", "PYTHON_KEYRING"))
        }
        self.env.update(
            HOME=str(base),
            XDG_CONFIG_HOME=str(base / "config"),
            XDG_DATA_HOME=str(base / "data"),
            XDG_STATE_HOME=str(base / "state"),
            XDG_CACHE_HOME=str(base / "cache"),
            SHUSAI_AGENT_KEY_STORE="file",
        )
        self.log_file = base / "agent-process.log"
        self.processes: list[subprocess.Popen[bytes]] = []

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*_COMMAND, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def launch(self, *args: str) -> subprocess.Popen[str]:
        """`shuttersense-agent ARGS…` started, not waited for; its output in pipes."""
        return subprocess.Popen(
            [*_COMMAND, *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def start(self) -> subprocess.Popen[bytes]:
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                [*_COMMAND, "start"], env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self.processes.append(process)
        return process

    def log(self) -> str:
        return self.log_file.read_text(encoding="utf-8", errors="replace")

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGCONT)
                process.kill()
                process.wait(timeout=10)
