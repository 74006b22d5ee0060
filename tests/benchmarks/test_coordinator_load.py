"""The coordinator load benchmark, run small: it enrols a fleet, starts a real coordinator on
PostgreSQL, drives every kind of call, and reports figures without errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.coordinator_load import main

AGENT_CALLS = {"claim", "progress", "complete", "heartbeat"}


@pytest.mark.usefixtures("postgres_available")
@pytest.mark.parametrize(
    ("feed", "rate", "calls"),
    [("db", 20, AGENT_CALLS), ("api", 0, AGENT_CALLS | {"create_job"})],
    ids=["paced-bulk-jobs", "flat-out-api-jobs"],
)
def test_a_short_run_drives_every_call_and_reports_it(
    tmp_path: Path, feed: str, rate: int, calls: set[str]
) -> None:
    figures_file = tmp_path / "load.json"
    status = main(
        [
            *("--agents", "20", "--claimers", "2", "--duration", "3", "--warmup", "1"),
            *("--heartbeat-interval", "2", "--backlog", "20", "--json", str(figures_file)),
            *("--feed", feed, "--rate", str(rate)),
        ]
    )

    figures = json.loads(figures_file.read_text(encoding="utf-8"))
    assert status in (0, 1)  # 1: a target missed, which a tiny run on a test machine may
    assert figures["errors"] == {}
    assert figures["jobs_completed"] > 0
    assert set(figures["calls"]) == calls
    assert figures["calls"]["heartbeat"]["count"] >= 20  # every agent, at least once
    assert 0 < figures["cpu"]["server"] < 1
    if rate:  # paced: the agents start no more jobs than offered
        assert figures["jobs_per_second"] <= rate * 1.25
