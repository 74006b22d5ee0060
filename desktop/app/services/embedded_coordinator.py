"""Solo mode's coordinator: `shuttersense-coordinator serve` as a supervised child of the app.

Its folder (in the app's data folder) holds the SQLite database and the secrets the coordinator
generates there once, plus `solo.json` (the port, kept across restarts while it stays free) and
`coordinator.pid`. It listens on 127.0.0.1 only. Its log (`coordinator.log`) is written to the
app's log folder, and its stderr comes into the app's log. The app stops it when it quits; one
left behind by a crashed app is found by its pid file and replaced. The desktop app and the
coordinator never import each other: everything goes through the command line and HTTP.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, cast

import httpx

from .child_commands import program_command
from .child_logs import ChildLog

__all__ = ["CoordinatorFailed", "EmbeddedCoordinator"]

log = logging.getLogger(__name__)

_READY_WAIT = 60.0  # seconds for the coordinator to answer /health after it started
_STOP_WAIT = 15.0
_STATE = "solo.json"
_PID = "coordinator.pid"
_EXCEPTION = re.compile(r"^[\w.]+(Error|Exception): ")  # the last line of a traceback


class CoordinatorFailed(Exception):
    """The embedded coordinator could not start; the message has the reason from its log."""


def _port_free(port: int) -> bool:
    """Whether the server could listen on `port` now: it binds with SO_REUSEADDR, so the
    connections of the last run waiting out TIME_WAIT there do not count."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: not ours to replace
        return False
    return True


def _is_embedded_coordinator(pid: int, folder: Path) -> bool:
    """Whether `pid` is a coordinator serving `folder` (Linux reads its command line and
    environment; elsewhere the pid file alone is believed)."""
    proc = Path(f"/proc/{pid}")
    if not proc.exists():
        return sys.platform != "linux" and _alive(pid)
    try:
        command = proc.joinpath("cmdline").read_bytes().split(b"\0")
        environ = proc.joinpath("environ").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"serve" in command and f"SHUSAI_DATA_DIR={folder}".encode() in environ


class EmbeddedCoordinator:
    def __init__(self, folder: Path, log_folder: Path, *, ready_wait: float = _READY_WAIT) -> None:
        self.folder = folder
        self.log_folder = log_folder
        self._ready_wait = ready_wait
        self._process: subprocess.Popen[str] | None = None
        self._child_log: ChildLog | None = None
        self.url: str | None = None
        self.earlier_url: str | None = None  # where the last start served, when known

    # -- the child's environment and commands ----------------------------------------------------

    def environment(self) -> dict[str, str]:
        """This process's environment without the coordinator settings a user may have set for
        another coordinator, plus those of solo mode."""
        env = {key: value for key, value in os.environ.items() if not key.startswith("SHUSAI_")}
        env.update(
            SHUSAI_ENV="development",  # secrets generated once into the folder, SQLite there
            SHUSAI_DATA_DIR=str(self.folder),
            SHUSAI_LOG_DIR=str(self.log_folder),
            SHUSAI_LOG_LEVEL="WARNING",  # no line per request: the agent calls every few seconds
        )
        return env

    def run_command(self, *args: str, stdin: str | None = None) -> str:
        """`shuttersense-coordinator ARGS` on solo mode's database; its stdout. The reason it
        gives (its `error:` line) is raised as CoordinatorFailed."""
        done = subprocess.run(  # noqa: S603 (our own program: program_command)
            program_command("coordinator", *args),
            input=stdin,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise CoordinatorFailed(_reason(done.stderr) or f"exit status {done.returncode}")
        return done.stdout

    # -- starting and stopping -------------------------------------------------------------------

    def start(self) -> str:
        """Start it (replacing one a crashed app left behind) and wait until it answers; its
        URL. Blocks for seconds: call it on a worker thread. CoordinatorFailed says why not."""
        if self._process is not None and self._process.poll() is None and self.url:
            return self.url
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.log_folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._replace_stale()
        self.run_command("migrate")
        saved = self._saved_port()
        self.earlier_url = None if saved is None else f"http://127.0.0.1:{saved}"
        port = self._port()
        process = subprocess.Popen(  # noqa: S603 (our own program: program_command)
            program_command("coordinator", "serve", "--host", "127.0.0.1", "--port", str(port)),
            env=self.environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self._process = process
        stderr = cast(IO[str], process.stderr)  # a pipe, as asked
        self._child_log = ChildLog(stderr, "shuttersense.desktop.coordinator")
        (self.folder / _PID).write_text(json.dumps({"pid": process.pid, "port": port}))
        url = f"http://127.0.0.1:{port}"
        self._wait_ready(process, url)
        self.url = url
        log.info("solo mode: coordinator %d serving %s", process.pid, url)
        return url

    def _saved_port(self) -> int | None:
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
            return int(json.loads((self.folder / _STATE).read_text(encoding="utf-8"))["port"])
        return None

    def _port(self) -> int:
        """The port of the last start while it is free, else a new free one (kept)."""
        saved = self._saved_port()
        if saved is not None and _port_free(saved):
            return saved
        port = _free_port()
        (self.folder / _STATE).write_text(json.dumps({"port": port}), encoding="utf-8")
        return port

    def _wait_ready(self, process: subprocess.Popen[str], url: str) -> None:
        deadline = time.monotonic() + self._ready_wait
        with httpx.Client(base_url=url, timeout=2.0) as client:
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    if self._child_log is not None:
                        self._child_log.join(5)
                    raise CoordinatorFailed(self._failure(process.returncode))
                with contextlib.suppress(httpx.HTTPError):
                    if client.get("/health").status_code == 200:
                        return
                time.sleep(0.2)
        self.stop()
        raise CoordinatorFailed(
            f"it did not answer within {self._ready_wait:.0f} s; see coordinator.log in "
            f"{self.log_folder}"
        )

    def _failure(self, code: int | None) -> str:
        reason = self._child_log.last_error if self._child_log else None
        return reason or f"it ended at once (exit status {code}); see the log in {self.log_folder}"

    def _replace_stale(self) -> None:
        path = self.folder / _PID
        try:
            pid = int(json.loads(path.read_text(encoding="utf-8"))["pid"])
        except (OSError, ValueError, TypeError, KeyError):
            return
        if pid != os.getpid() and _alive(pid) and _is_embedded_coordinator(pid, self.folder):
            log.warning("solo mode: replacing coordinator %d left behind by an earlier run", pid)
            _end(pid)
        path.unlink(missing_ok=True)

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(_STOP_WAIT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        (self.folder / _PID).unlink(missing_ok=True)
        log.info("solo mode: coordinator stopped")


def _end(pid: int) -> None:
    """SIGTERM, then SIGKILL if it is still there after a while."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + _STOP_WAIT
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _reason(stderr: str) -> str:
    """What a program said went wrong: its `error:` line (with the lines that follow it), else
    the exception a traceback ended with, else its last line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        if "error: " in line:
            return " ".join([line.partition("error: ")[2], *lines[index + 1 :]])
    raised = [line for line in lines if _EXCEPTION.match(line)]
    if raised:
        return raised[-1]
    return lines[-1] if lines else ""
