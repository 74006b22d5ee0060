"""SIGTERM stops a real coordinator within seconds while 50 agents long-poll for work: their
claims end with 204 at once instead of after their 30 s (SQLite and PostgreSQL; `serve`, on
Linux `serve --workers 2`, and the ASGI app under gunicorn, the deployment guide's line, and
under uvicorn)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.coordinator_stop import POLL_WAIT, measure_stop
from benchmarks.load_fleet import enrol_fleet
from shuttersense.coordinator.settings import Settings
from shuttersense.coordinator.workers import balanced_workers_supported

POLLS = 50
BOUND = 5.0  # seconds; generous: the process exits in about one (docs/performance.md)


SERVERS = [("serve", 1), ("gunicorn", 1), ("uvicorn", 1)]
if balanced_workers_supported():
    SERVERS.append(("serve", 2))


@pytest.mark.parametrize(("server", "workers"), SERVERS)
def test_sigterm_ends_waiting_claims_and_the_process_at_once(
    server: str,
    workers: int,
    db_url: str,
    settings: Settings,
    environ: dict[str, str],
    tmp_path: Path,
) -> None:
    keys = enrol_fleet(db_url, settings.jwt_secret_key, POLLS, 0, 0).agent_keys
    figures = measure_stop({**os.environ, **environ}, tmp_path, keys, workers, server)
    log = (tmp_path / "server.log").read_text(errors="replace")[-3000:]
    assert figures.ended_before_signal == 0, log  # they were all waiting (30 s each)
    assert figures.seconds_to_exit < BOUND < POLL_WAIT, (figures, log)
    assert figures.slowest_answer < BOUND, figures
    # Each claim was answered "no job", or its connection closed: the agent calls again.
    assert set(figures.answers) <= {"204", "closed"}, figures
    assert sum(figures.answers.values()) == POLLS
