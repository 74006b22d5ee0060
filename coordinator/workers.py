"""`serve --workers N` on Linux: N server processes, each listening on a socket of its own bound
to the same address (SO_REUSEPORT), so that the kernel spreads new connections evenly over them.

uvicorn's own workers share one listening socket, and whichever of them accepts first takes the
connection. A fleet's agents keep their connections open, so a split made at connect time lasts:
under the load benchmark one worker carried twice the other's requests and its tail latency
with them (docs/performance.md). This supervisor starts the workers, restarts one that dies
after it started, and stops them all on SIGINT or SIGTERM (each ends its waiting claims at once:
stop_signals.py); a worker whose supervisor is killed outright gets SIGTERM from the kernel.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import socket
import sys
import time
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

__all__ = ["APP", "balanced_workers_supported", "serve_workers"]

APP = "shuttersense.coordinator.app:create_served_app"
_START_GRACE = 5.0  # seconds within which a worker that dies failed to start
_STOP_WAIT = 15.0
_PR_SET_PDEATHSIG = 1  # prctl(2)

log = logging.getLogger("shuttersense.coordinator")


def balanced_workers_supported() -> bool:
    """Whether the kernel balances connections over sockets sharing a port (Linux does)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def _listening_socket(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


def _end_with(supervisor: int) -> bool:
    """Have the kernel send this worker SIGTERM when its supervisor ends, however it ends (a
    SIGKILL included); False when it has ended already."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    return os.getppid() == supervisor


def _worker(options: dict[str, Any], supervisor: int) -> None:
    """One server process: its own socket (bound first: a port in use ends the worker at
    once), the app of `serve`."""
    if not _end_with(supervisor):
        return
    sock = _listening_socket(options["host"], options["port"])
    from .served import served_server

    served_server(options).run(sockets=[sock])


def serve_workers(options: dict[str, Any], workers: int) -> int:
    """Run `workers` server processes with uvicorn `options` until SIGINT or SIGTERM; 1 when a
    worker could not start."""

    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    context = multiprocessing.get_context("spawn")
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    running: list[tuple[BaseProcess, float]] = []

    def start() -> tuple[BaseProcess, float]:
        process = context.Process(
            target=_worker, args=(options, os.getpid()), name="shuttersense-worker"
        )
        process.start()
        return process, time.monotonic()

    try:
        running = [start() for _ in range(workers)]
        log.info("%d workers started, one listening socket each", workers)
        while True:
            time.sleep(0.5)
            if stopping:  # before looking at the workers: a Ctrl-C stops them too
                return 0
            for index, (process, started) in enumerate(running):
                if process.is_alive():
                    continue
                if time.monotonic() - started < _START_GRACE:
                    log.error(
                        "a worker stopped while starting (exit %s): see above", process.exitcode
                    )
                    return 1
                log.warning("a worker stopped (exit %s): starting another", process.exitcode)
                running[index] = start()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _stop_all([process for process, _ in running])


def _stop_all(processes: list[BaseProcess]) -> None:
    for process in processes:
        if process.is_alive():
            process.terminate()  # uvicorn finishes the requests in flight, then exits
    deadline = time.monotonic() + _STOP_WAIT
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()
