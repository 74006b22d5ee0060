"""The large-body scenario of issue 9 against a served coordinator: a 38 MiB JSON body of 2
million keys sent to `POST /api/agent/v1/results`, once and four at once, and the largest body
that route takes (1.9 MiB, 100,000 keys), while `/health` is asked every 20 ms. Prints the
answers, how long `/health` waited at worst, and the server's memory.

Usage, from the repository root (docs/performance.md, "Large request bodies"):

    .venv/bin/python -m benchmarks.large_body
    .venv/bin/python -m benchmarks.large_body --coordinator /other/venv/bin/shuttersense-coordinator

Each count runs on a fresh `shuttersense-coordinator serve` (SQLite, in a temporary folder).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from tests.helpers.agent_process import wait_for
from tests.helpers.live_server import free_port

__all__ = ["HealthWatch", "healthy", "keyed_body", "memory_kib", "send", "served"]

PATH = "/api/agent/v1/results"
_PIECE = 64 * 1024


def keyed_body(keys: int) -> bytes:
    """`{"result": {"k00000000000000": 0, …}}` with `keys` keys: 2 million make 38 MiB."""
    return b'{"result":{' + b",".join(b'"k%014d":0' % n for n in range(keys)) + b"}}"


@contextlib.contextmanager
def served(coordinator: str, folder: Path, *options: str) -> Iterator[tuple[int, int]]:
    """`coordinator serve` (with `options`) on a free port of 127.0.0.1, on SQLite in `folder`:
    (port, pid)."""
    env = {
        **os.environ,
        "SHUSAI_DB_URL": f"sqlite:///{folder / 'coordinator.db'}",
        "SHUSAI_DATA_DIR": str(folder / "data"),
        "SHUSAI_LOG_DIR": str(folder / "logs"),
        "SHUSAI_ENV": "development",
        "SHUSAI_LOG_LEVEL": "WARNING",
    }
    subprocess.run([coordinator, "migrate"], env=env, check=True, capture_output=True)
    port = free_port()
    with (folder / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [coordinator, "serve", "--port", str(port), *options], env=env, stdout=log, stderr=log
        )
        try:
            wait_for(lambda: healthy(port), 30, "the coordinator to start")
            yield port, server.pid
        finally:
            server.terminate()
            server.wait(timeout=30)


def healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def send(port: int, body: bytes, path: str = PATH) -> int:
    """POST `body` with its length declared, sending it only while no answer has come; the
    status of the answer (0 if the server closed without one)."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=120) as connection:
        connection.sendall(head.encode())
        sent = 0
        while True:
            writing = [connection] if sent < len(body) else []
            readable, writable, _ = select.select([connection], writing, [], 120)
            if readable:
                status_line = connection.recv(64).split(b"\r\n", 1)[0].split()
                return int(status_line[1]) if len(status_line) > 1 else 0
            if not writable:
                raise TimeoutError("no answer within 120 s")
            try:
                sent += connection.send(body[sent : sent + _PIECE])
            except OSError:  # the server answered and closed: read what it said
                sent = len(body)


class HealthWatch:
    """Asks `/health` every 20 ms in a thread; `worst` is the longest answer, in seconds."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.worst = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> HealthWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def _watch(self) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=60) as client:
            while not self._stop.wait(0.02):
                started = time.perf_counter()
                client.get("/health")
                self.worst = max(self.worst, time.perf_counter() - started)


def memory_kib(pid: int) -> dict[str, int]:
    """The process's resident memory now (VmRSS) and at its peak (VmHWM), in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def measure(coordinator: str, body: bytes, at_once: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder, served(coordinator, Path(folder)) as server:
        port, pid = server
        before = memory_kib(pid)["VmRSS"]
        started = time.perf_counter()
        with HealthWatch(port) as watch, ThreadPoolExecutor(at_once) as pool:
            statuses = list(pool.map(lambda _: send(port, body), range(at_once)))
        elapsed = time.perf_counter() - started
        time.sleep(1)  # let the server settle before reading what it keeps
        after = memory_kib(pid)
    return {
        "at_once": at_once,
        "statuses": statuses,
        "seconds": round(elapsed, 2),
        "health_worst_seconds": round(watch.worst, 3),
        "rss_before_mib": round(before / 1024),
        "rss_peak_mib": round(after["VmHWM"] / 1024),
        "rss_after_mib": round(after["VmRSS"] / 1024),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--coordinator", default=str(Path(sys.executable).with_name("shuttersense-coordinator"))
    )
    parser.add_argument("--keys", type=int, default=2_000_000)
    args = parser.parse_args(argv)
    body = keyed_body(args.keys)
    print(f"body: {len(body) / 2**20:.1f} MiB, {args.keys:,} keys")
    for at_once in (1, 4):
        print(measure(args.coordinator, body, at_once))
    print("largest accepted:", measure(args.coordinator, keyed_body(100_000), 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
