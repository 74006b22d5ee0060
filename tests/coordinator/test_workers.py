"""`serve --workers 2` on Linux: two processes with a listening socket each on the one port,
a dead worker replaced, everything stopped by SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from shuttersense.coordinator.workers import _START_GRACE, balanced_workers_supported
from tests.helpers.agent_process import wait_for
from tests.helpers.live_server import free_port

pytestmark = pytest.mark.skipif(not balanced_workers_supported(), reason="SO_REUSEPORT is Linux's")

COORDINATOR = str(Path(sys.executable).with_name("shuttersense-coordinator"))


def listeners(port: int) -> dict[int, int]:
    """Listening TCP sockets on `port`: socket inode -> owning process id."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                inodes.add(int(fields[9]))
    owners = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:[") and int(target[8:-1]) in inodes:
                    owners[int(target[8:-1])] = int(pid)
        except OSError:
            continue
    return owners


def kill_all(server: subprocess.Popen[bytes], port: int) -> None:
    """Leave nothing behind, whatever failed: the supervisor and any worker on the port."""
    if server.poll() is None:
        server.kill()
        server.wait()
    for pid in set(listeners(port).values()):
        os.kill(pid, signal.SIGKILL)


def environment(tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "SHUSAI_DB_URL": f"sqlite:///{tmp_path / 'coordinator.db'}",
        "SHUSAI_DATA_DIR": str(tmp_path / "data"),
        "SHUSAI_LOG_DIR": str(tmp_path / "logs"),
        "SHUSAI_ENV": "development",
    }
    subprocess.run([COORDINATOR, "migrate"], env=env, check=True, capture_output=True)
    return env


def test_each_worker_listens_on_its_own_socket_and_sigterm_stops_them_all(
    tmp_path: Path,
) -> None:
    env = environment(tmp_path)
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [COORDINATOR, "serve", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:

        def worker_pids() -> set[int]:
            return set(listeners(port).values())

        wait_for(lambda: len(worker_pids()) == 2, what="two listening workers")
        workers = worker_pids()
        assert server.pid not in workers
        wait_for(lambda: httpx.get(f"http://127.0.0.1:{port}/health").is_success, what="/health")

        time.sleep(_START_GRACE + 0.5)  # past the start-up grace: a worker dying now is replaced
        killed = min(workers)
        os.kill(killed, signal.SIGKILL)
        wait_for(lambda: len(worker_pids() - {killed}) == 2, what="a worker in its place")
        assert len(worker_pids() & workers) == 1

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        assert listeners(port) == {}
    finally:
        kill_all(server, port)
        log.close()


def test_workers_that_cannot_listen_stop_the_command(tmp_path: Path) -> None:
    env = environment(tmp_path)
    with socket.socket() as taken:  # a listener without SO_REUSEPORT keeps the port to itself
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [COORDINATOR, "serve", "--workers", "2", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 1
    assert "a worker stopped while starting" in done.stderr
    assert "Address already in use" in done.stderr


def test_workers_end_when_their_supervisor_is_killed(tmp_path: Path) -> None:
    env = environment(tmp_path)
    port = free_port()
    server = subprocess.Popen(
        [COORDINATOR, "serve", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: len(set(listeners(port).values())) == 2, what="two listening workers")
        server.kill()
        server.wait()
        wait_for(lambda: not listeners(port), what="the workers to end")
    finally:
        kill_all(server, port)
