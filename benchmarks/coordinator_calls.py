"""CPU per call of the coordinator, by kind of call: the guide for making the fleet's calls cheaper.

Usage, from the repository root (docs/performance.md, "Coordinator under load"):

    .venv/bin/python -m benchmarks.coordinator_calls                  # 1,500 calls of each kind
    .venv/bin/python -m benchmarks.coordinator_calls --calls 500 --json /tmp/calls.json

It sets up like benchmarks/coordinator_load.py (a fresh database, the fleet, a real
`shuttersense-coordinator serve`), but with one worker, and then runs one kind of call at a time,
`--concurrency` requests in flight: health, heartbeat, create_job (user API), claim (each finds a
job), progress, complete, and claims that find nothing. For each it divides the CPU time the
coordinator's process used (and PostgreSQL's, when its server runs on this machine: the backends
of the benchmark's database) by the calls. CPU time is much steadier than throughput on a shared
machine, since other processes slow a call down but do not add to its CPU time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import create_engine, text

from .coordinator_load import (
    COORDINATOR,
    coordinator,
    environment,
    fresh_database,
    loop_factory,
    measure_and_report,
)
from .load_drive import AGENT_API, complete_call, progress_call
from .load_fleet import Fleet, enrol_fleet
from .load_http import Answer, ConnectionPool
from .machine import cpu_seconds, machine_facts, process_tree

__all__ = ["main"]

_BACKENDS = text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")


class Meter:
    """CPU seconds of the coordinator and of the database's PostgreSQL backends."""

    def __init__(self, server_pid: int, db_url: str) -> None:
        self.server = process_tree(server_pid)
        self.engine = create_engine(db_url, pool_size=1)

    def postgres(self) -> list[int]:
        with self.engine.connect() as connection:
            pids = [int(pid) for pid in connection.execute(_BACKENDS).scalars()]
        return [pid for pid in pids if Path(f"/proc/{pid}").exists()]

    async def phase(
        self, name: str, calls: list[Callable[[], Awaitable[Answer]]], concurrency: int
    ) -> tuple[dict[str, Any], list[Answer]]:
        backends = await asyncio.to_thread(self.postgres)
        pending = list(reversed(calls))
        answers: list[Answer] = []

        async def worker() -> None:
            while pending:
                answers.append(await pending.pop()())

        server, database = cpu_seconds(self.server), cpu_seconds(backends)
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - started
        count = len(calls)
        row = {
            "call": name,
            "count": count,
            "errors": sum(answer.status_code >= 400 for answer in answers),
            "coordinator_cpu_ms": 1000 * (cpu_seconds(self.server) - server) / count,
            "postgres_cpu_ms": 1000 * (cpu_seconds(backends) - database) / count
            if backends
            else None,
            "wall_ms": 1000 * wall / count,
        }
        return row, answers


async def measure(
    base: str, server_pid: int, db_url: str, fleet: Fleet, args: argparse.Namespace
) -> list[dict[str, Any]]:
    address = urlsplit(base)
    http = ConnectionPool(address.hostname or "", address.port or 80, args.concurrency, 60.0)
    meter = Meter(server_pid, db_url)
    agents = [{"Authorization": f"Bearer {key}"} for key in fleet.agent_keys]
    claimers = agents[: args.concurrency]
    user = {"Authorization": f"Bearer {fleet.api_token}"}
    n, rows = args.calls, []
    claimed: list[tuple[dict[str, str], dict[str, Any]]] = []

    def beat(i: int) -> Callable[[], Awaitable[Answer]]:
        return lambda: http.post(f"{AGENT_API}/heartbeat", agents[i % len(agents)], {})

    def create(i: int) -> Callable[[], Awaitable[Answer]]:
        path = f"/api/collections/{fleet.collections[i % len(fleet.collections)]}/jobs"
        return lambda: http.post(path, user, {"tool": "photostats"})

    def claim(i: int) -> Callable[[], Awaitable[Answer]]:
        headers = claimers[i % len(claimers)]

        async def call() -> Answer:
            answer = await http.post(f"{AGENT_API}/jobs/claim?wait=0", headers)
            if answer.status_code == 200:
                claimed.append((headers, answer.json()))
            return answer

        return call

    def progress(headers: dict[str, str], job: dict[str, Any]) -> Callable[[], Awaitable[Answer]]:
        return lambda: progress_call(http, headers, job)

    def complete(headers: dict[str, str], job: dict[str, Any]) -> Callable[[], Awaitable[Answer]]:
        return lambda: complete_call(http, headers, job)

    try:
        await meter.phase("warm-up", [beat(i) for i in range(n // 5)], args.concurrency)
        health = [(lambda: http.get("/health")) for _ in range(n)]
        phases: list[tuple[str, Callable[[], list[Callable[[], Awaitable[Answer]]]]]] = [
            ("health", lambda: health),
            ("heartbeat", lambda: [beat(i) for i in range(n)]),
            ("create_job", lambda: [create(i) for i in range(n)]),
            ("claim", lambda: [claim(i) for i in range(n)]),
            ("progress", lambda: [progress(*c) for c in claimed]),
            ("complete", lambda: [complete(*c) for c in claimed]),
            ("claim, none", lambda: [claim(i) for i in range(n)]),
        ]
        for name, calls in phases:
            row, _ = await meter.phase(name, calls(), args.concurrency)
            rows.append(row)
    finally:
        http.close()
        meter.engine.dispose()
    return rows


def run(args: argparse.Namespace) -> dict[str, Any]:
    with fresh_database(args.db_url) as db_url, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = environment(db_url, folder)
        subprocess.run([COORDINATOR, "migrate"], env=env, check=True, capture_output=True)
        # A collection for every job made, so that each create_job queues one.
        fleet = enrol_fleet(db_url, env["JWT_SECRET_KEY"], 200, args.concurrency, args.calls)
        with (
            coordinator(env, folder, 1) as (base, pid),
            asyncio.Runner(loop_factory=loop_factory()) as runner,
        ):
            rows = runner.run(measure(base, pid, db_url, fleet, args))
    return {
        "command": " ".join(sys.argv),
        "concurrency": args.concurrency,
        "calls": rows,
        "machine": machine_facts(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def print_table(figures: dict[str, Any]) -> None:
    print(
        f"{'call':<14}{'count':>7}{'errors':>8}{'coord. CPU ms':>15}{'PG CPU ms':>11}{'wall ms':>9}"
    )
    for row in figures["calls"]:
        postgres = "-" if row["postgres_cpu_ms"] is None else f"{row['postgres_cpu_ms']:.2f}"
        print(
            f"{row['call']:<14}{row['count']:>7}{row['errors']:>8}"
            f"{row['coordinator_cpu_ms']:>15.2f}{postgres:>11}{row['wall_ms']:>9.2f}"
        )
    print(f"load average (1 min) at the end: {figures['load_average_1min']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.coordinator_calls")
    parser.add_argument("--db-url", help="PostgreSQL server URL (a database is made on it)")
    parser.add_argument("--calls", type=int, default=1500, help="calls of each kind")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the figures here")
    args = parser.parse_args(argv)
    return measure_and_report(
        args, run, print_table, lambda figures: all(row["errors"] == 0 for row in figures["calls"])
    )


if __name__ == "__main__":
    sys.exit(main())
