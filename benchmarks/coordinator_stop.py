"""How long the coordinator takes to stop on SIGTERM while agents long-poll, served by
`shuttersense-coordinator serve`, gunicorn or uvicorn.

Usage, from the repository root (docs/performance.md, "Stopping while agents long-poll"):

    .venv/bin/python -m benchmarks.coordinator_stop                  # 50 polls, 1 and 2 workers
    .venv/bin/python -m benchmarks.coordinator_stop --polls 200 --workers 2
    .venv/bin/python -m benchmarks.coordinator_stop --server gunicorn --workers 2
    .venv/bin/python -m benchmarks.coordinator_stop --db-url postgresql://user@host/postgres

It sets up like benchmarks/coordinator_load.py (a fresh database on PostgreSQL, `--polls` agents
enrolled, a real coordinator in production mode: `serve`, or with `--server` the ASGI app under
gunicorn or uvicorn, as README's "Under gunicorn" runs it), has every agent ask for a
job with the agent's 30 s long poll while the queue is empty, waits until every request is sent
and then a second more, sends SIGTERM and measures how long the process takes to exit and how each
poll ended: 204 (no job), another status, or `closed` (the connection ended without an answer;
an agent calls again). tests/e2e/test_coordinator_stop.py runs the same measurement.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from .coordinator_load import (
    COORDINATOR,
    SERVERS,
    environment,
    fresh_database,
    start_coordinator,
)
from .load_drive import AGENT_API
from .load_fleet import enrol_fleet
from .machine import machine_facts

__all__ = ["StopFigures", "main", "measure_stop"]

POLL_WAIT = 30  # the agent's long poll, seconds
_SETTLE = 1.0  # seconds every poll waits before the signal
_LIMIT = 60.0  # seconds the process is given to exit


@dataclass(frozen=True)
class StopFigures:
    server: str  # serve, gunicorn or uvicorn
    workers: int
    polls: int
    seconds_to_exit: float  # from SIGTERM to the process's exit
    exit_status: int
    answers: dict[str, int]  # how the polls ended: "204", another status, "closed"
    ended_before_signal: int  # polls over before SIGTERM (none should be)
    slowest_answer: float  # seconds from SIGTERM to the last poll's end


class _Polls:
    """The agents' long polls, on one client (one TLS set-up, not one per poll), each noted as
    waiting once its request is sent."""

    def __init__(self, base: str, keys: list[str]) -> None:
        self.keys = keys
        self.sent = threading.Semaphore(0)
        limits = httpx.Limits(max_connections=len(keys), max_keepalive_connections=0)
        self.http = httpx.Client(base_url=base, limits=limits, timeout=POLL_WAIT + 20)

    def _trace(self, event: str, info: dict[str, object]) -> None:
        if event == "http11.receive_response_headers.started":
            self.sent.release()

    def poll(self, key: str) -> tuple[str, float]:
        """One agent's long poll: how it ended and when (monotonic)."""
        try:
            answer = self.http.post(
                f"{AGENT_API}/jobs/claim",
                params={"wait": POLL_WAIT},
                headers={"Authorization": f"Bearer {key}"},
                extensions={"trace": self._trace},
            )
            outcome = str(answer.status_code)
        except httpx.TransportError:
            outcome = "closed"
        return outcome, time.monotonic()

    def all_sent(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        return all(
            self.sent.acquire(timeout=max(0, deadline - time.monotonic())) for _ in self.keys
        )


def measure_stop(
    env: dict[str, str], folder: Path, keys: list[str], workers: int, kind: str = "serve"
) -> StopFigures:
    """Start the coordinator on `env` (migrated, the agents of `keys` enrolled) with `kind` of
    server, long-poll with every key, SIGTERM once all have waited a second, and measure the
    stop. The process is killed if it outlives the limit."""
    server, base = start_coordinator(env, folder, workers, kind)
    polls = _Polls(base, keys)
    try:
        with ThreadPoolExecutor(len(keys)) as pool:
            futures = [pool.submit(polls.poll, key) for key in keys]
            if not polls.all_sent(_LIMIT):
                raise SystemExit("the long polls could not all be sent: see the server's log")
            time.sleep(_SETTLE)
            ended_before = sum(future.done() for future in futures)
            signalled = time.monotonic()
            server.send_signal(signal.SIGTERM)
            try:
                status = server.wait(timeout=_LIMIT)
            except subprocess.TimeoutExpired:
                server.kill()
                status = server.wait()
            exited = time.monotonic()
            ends = [future.result() for future in futures]
    finally:
        polls.http.close()
        if server.poll() is None:
            server.kill()
        server.wait()
    return StopFigures(
        server=kind,
        workers=workers,
        polls=len(keys),
        seconds_to_exit=round(exited - signalled, 3),
        exit_status=status,
        answers=dict(Counter(outcome for outcome, _ in ends)),
        ended_before_signal=ended_before,
        slowest_answer=round(max(end for _, end in ends) - signalled, 3),
    )


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.coordinator_stop")
    parser.add_argument("--polls", type=int, default=50, help="agents long-polling (50)")
    parser.add_argument(
        "--workers", type=int, action="append", help="server processes (repeatable; 1 and 2)"
    )
    parser.add_argument("--server", choices=SERVERS, default="serve", help="(serve)")
    parser.add_argument("--db-url", help="a PostgreSQL server (default: a throwaway one)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    runs = []
    for workers in args.workers or [1, 2]:
        with fresh_database(args.db_url) as db_url, tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            env = environment(db_url, folder)
            subprocess.run([COORDINATOR, "migrate"], env=env, check=True, capture_output=True)
            keys = enrol_fleet(db_url, env["JWT_SECRET_KEY"], args.polls, 0, 0).agent_keys
            runs.append(measure_stop(env, folder, keys, workers, args.server))
    heading = f"{'server':>8}{'workers':>8}{'polls':>7}{'exit s':>8}{'status':>8}"
    print(f"{heading}{'last answer s':>15}  answers")
    for run in runs:
        print(
            f"{run.server:>8}{run.workers:>8}{run.polls:>7}{run.seconds_to_exit:>8.2f}{run.exit_status:>8}"
            f"{run.slowest_answer:>15.2f}  {run.answers}"
        )
    if args.json:
        figures = {"runs": [asdict(run) for run in runs], "machine": machine_facts()}
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
