"""Load benchmark of the coordinator: 1,000 agents heartbeating, some claiming and completing.

Usage, from the repository root (docs/performance.md, "Coordinator under load"):

    .venv/bin/python -m benchmarks.coordinator_load                    # 60 s, throwaway PostgreSQL
    .venv/bin/python -m benchmarks.coordinator_load --duration 10 --json /tmp/load.json
    .venv/bin/python -m benchmarks.coordinator_load --db-url postgresql://user@host/postgres

It makes a fresh database on the PostgreSQL server (`--db-url`, else SHUSAI_TEST_PG_URL, else a
throwaway server from tests/helpers/postgres.py), runs `shuttersense-coordinator migrate`,
enrols the fleet (benchmarks/load_fleet.py), starts `shuttersense-coordinator serve --workers 2`
on 127.0.0.1 in production mode, drives it (benchmarks/load_drive.py), prints a table, and drops
the database. Exit status: 0 when the targets hold, 1 when one is missed, 2 on a setup failure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.helpers.live_server import free_port
from tests.helpers.postgres import postgres_server

from .load_drive import Traffic, drive
from .load_fleet import JobQueue, enrol_fleet
from .machine import Cpu, machine_facts

__all__ = ["main"]

TARGET_JOBS_PER_SECOND = 200.0
TARGET_P99_MS = 100.0
COORDINATOR = str(Path(sys.executable).with_name("shuttersense-coordinator"))
ASGI_APP = "shuttersense.coordinator.asgi:app"
GUNICORN_WORKER = "shuttersense.coordinator.gunicorn_worker.UvicornWorker"


@contextlib.contextmanager
def fresh_database(server_url: str | None) -> Iterator[str]:
    """A new, empty database on the server (a throwaway server when None), dropped at the end."""
    with contextlib.ExitStack() as stack:
        url = server_url or stack.enter_context(postgres_server())
        if url is None:
            raise SystemExit("no PostgreSQL: pass --db-url or install PostgreSQL")
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        name = f"shuttersense_load_{uuid.uuid4().hex[:10]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def environment(db_url: str, folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SHUSAI_ENV": "production",
        "SHUSAI_DB_URL": db_url,
        "SHUSAI_DATA_DIR": str(folder / "data"),
        "SHUSAI_LOG_DIR": str(folder / "logs"),
        "SHUSAI_MASTER_KEY": Fernet.generate_key().decode(),
        "SESSION_SECRET_KEY": secrets.token_urlsafe(32),
        "JWT_SECRET_KEY": secrets.token_urlsafe(32),
    }


SERVERS = ("serve", "gunicorn", "uvicorn")  # what runs the coordinator: README, "Under gunicorn"


def server_command(
    server: str, workers: int, port: int, worker_class: str = GUNICORN_WORKER
) -> list[str]:
    """The command line that serves the coordinator on 127.0.0.1:`port` with `workers`
    processes: `shuttersense-coordinator serve`, or the ASGI app under gunicorn (with
    `worker_class`) or uvicorn."""
    if server == "serve":
        return [COORDINATOR, "serve", "--workers", str(workers), "--port", str(port)]
    program = str(Path(sys.executable).with_name(server))
    if server == "gunicorn":
        worker = ["-k", worker_class, "-w", str(workers)]
        return [program, ASGI_APP, *worker, "--bind", f"127.0.0.1:{port}"]
    return [program, ASGI_APP, "--workers", str(workers), "--port", str(port)]


def start_coordinator(
    env: dict[str, str],
    folder: Path,
    workers: int,
    server: str = "serve",
    worker_class: str = GUNICORN_WORKER,
) -> tuple[subprocess.Popen[bytes], str]:
    """The coordinator served on a free port (server_command), once it answers /health (its log
    in `folder`); returns the process and its base URL. The caller stops it."""
    port = free_port()
    command = server_command(server, workers, port, worker_class)
    with (folder / "server.log").open("wb") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90  # two workers starting on a busy machine
    while True:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return server, base
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            server.wait()
            raise SystemExit(f"the coordinator did not start: see {folder / 'server.log'}")
        time.sleep(0.2)


@contextlib.contextmanager
def coordinator(env: dict[str, str], folder: Path, workers: int) -> Iterator[tuple[str, int]]:
    """`shuttersense-coordinator serve` on a free port; yields (base URL, pid)."""
    server, base = start_coordinator(env, folder, workers)
    try:
        yield base, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop for the client too, where it is installed (not on Windows)."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run(args: argparse.Namespace) -> dict[str, Any]:
    traffic = Traffic(
        claimers=args.claimers,
        rate=args.rate,
        heartbeat_interval=args.heartbeat_interval,
        claim_wait=args.claim_wait,
        backlog=args.backlog or 3 * args.claimers,
        feed=args.feed,
    )
    load_before = os.getloadavg()[0]
    with fresh_database(args.db_url) as db_url, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = environment(db_url, folder)
        subprocess.run([COORDINATOR, "migrate"], env=env, check=True, capture_output=True)
        started = time.perf_counter()
        # Room for the backlog and the jobs in flight twice over: a collection whose job is
        # unfinished takes no second one.
        spread = 2 * (traffic.backlog + args.claimers)
        fleet = enrol_fleet(db_url, env["JWT_SECRET_KEY"], args.agents, args.claimers, spread)
        enrol_seconds = time.perf_counter() - started
        queue = JobQueue(db_url, fleet.collections)
        queue.add(traffic.backlog)
        try:
            with coordinator(env, folder, args.workers) as (base, pid):
                cpu = Cpu(pid)

                def measuring() -> None:
                    queue.analyze()  # the warm-up's jobs and results are in the statistics
                    cpu.start()

                with asyncio.Runner(loop_factory=loop_factory()) as runner:
                    rec, client_cpu = runner.run(
                        drive(base, fleet, queue, traffic, (args.warmup, args.duration), measuring)
                    )
                shares = cpu.shares(client_cpu)
        finally:
            queue.close()
    figures = rec.summary(args.duration)
    requests = sum(row["count"] for row in figures["calls"].values()) + figures["empty_claims"]
    figures["server_cpu_ms_per_request"] = 1000 * shares["server_seconds"] / max(1, requests)
    return {
        "command": " ".join(sys.argv),
        "agents": args.agents,
        "claimers": args.claimers,
        "rate": args.rate,
        "workers": args.workers,
        "feed": args.feed,
        "duration_s": args.duration,
        "enrol_s": enrol_seconds,
        "cpu": shares,
        "machine": machine_facts(),
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        **figures,
    }


def verdicts(figures: dict[str, Any]) -> dict[str, bool]:
    calls = figures["calls"]
    return {
        f"jobs/s >= {TARGET_JOBS_PER_SECOND:g}": figures["jobs_per_second"]
        >= TARGET_JOBS_PER_SECOND,
        **{
            f"{name} p99 < {TARGET_P99_MS:g} ms": name in calls
            and calls[name]["p99_ms"] < TARGET_P99_MS
            for name in ("heartbeat", "claim")
        },
    }


def print_table(figures: dict[str, Any]) -> None:
    print(
        f"{'call':<12}{'count':>8}{'per s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    )
    for name, row in figures["calls"].items():
        print(
            f"{name:<12}{row['count']:>8}{row['per_second']:>9.1f}{row['p50_ms']:>9.1f}"
            f"{row['p95_ms']:>9.1f}{row['p99_ms']:>9.1f}{row['max_ms']:>9.1f}"
        )
    offered = f"{figures['rate']:g} jobs/s offered" if figures["rate"] else "flat out"
    print(f"{figures['claimers']} claiming agents, {offered}, jobs made by {figures['feed']}")
    print(
        f"jobs claimed+completed: {figures['jobs_completed']} in {figures['duration_s']:g} s = "
        f"{figures['jobs_per_second']:.1f}/s; claims that found no job: {figures['empty_claims']}"
    )
    print(f"errors: {figures['errors'] or 'none'}")
    print(f"{figures['agents']} agents enrolled in {figures['enrol_s']:.1f} s (not measured)")
    cpu = figures["cpu"]
    print(
        "CPU (share of the machine): client {client:.0%}, coordinator {server:.0%}, "
        "everything else (PostgreSQL, other users) {other:.0%}, idle {idle:.0%}".format(**cpu)
    )
    print(f"coordinator CPU per request: {figures['server_cpu_ms_per_request']:.2f} ms")
    processes = " / ".join(f"{seconds:.1f}" for seconds in cpu["server_process_seconds"])
    print(f"coordinator CPU seconds by process (the master first): {processes}")
    before, after = figures["load_average_1min"]
    print(f"load average (1 min) before and after: {before} / {after}")
    for name, ok in verdicts(figures).items():
        print(f"target {name}: {'holds' if ok else 'MISSED'}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.coordinator_load")
    parser.add_argument("--db-url", help="PostgreSQL server URL (a database is made on it)")
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--claimers", type=int, default=200, help="agents that claim jobs")
    parser.add_argument(
        "--rate", type=float, default=220.0, help="jobs/s the claiming agents start; 0: flat out"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds before measuring")
    parser.add_argument("--heartbeat-interval", type=float, default=30.0)
    parser.add_argument("--claim-wait", type=int, default=10, help="the claim's long poll")
    parser.add_argument(
        "--backlog", type=int, default=0, help="queued jobs kept waiting (0: 3 per claimer)"
    )
    parser.add_argument("--feed", choices=("api", "db"), default="db", help="how jobs are made")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the figures here")
    return parser


def measure_and_report(
    args: argparse.Namespace,
    run: Callable[[argparse.Namespace], dict[str, Any]],
    print_table: Callable[[dict[str, Any]], None],
    passed: Callable[[dict[str, Any]], bool],
) -> int:
    """The end of a load benchmark's command: measure, print, write `--json`; the exit status
    is 0 when `passed`, 1 when not, 2 when the set-up failed."""
    args.db_url = args.db_url or os.environ.get("SHUSAI_TEST_PG_URL") or None
    try:
        figures = run(args)
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"setup failed: {exc}", file=sys.stderr)
        return 2
    print_table(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0 if passed(figures) else 1


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return measure_and_report(
        args, run, print_table, lambda figures: all(verdicts(figures).values())
    )


if __name__ == "__main__":
    sys.exit(main())
