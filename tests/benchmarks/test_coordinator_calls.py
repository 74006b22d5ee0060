"""The per-call benchmark, run small: every kind of call succeeds and gets a CPU figure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.coordinator_calls import main


@pytest.mark.usefixtures("postgres_available")
def test_every_kind_of_call_is_measured_without_errors(tmp_path: Path) -> None:
    figures_file = tmp_path / "calls.json"

    status = main(["--calls", "12", "--concurrency", "2", "--json", str(figures_file)])

    figures = json.loads(figures_file.read_text(encoding="utf-8"))
    assert status == 0
    rows = {row["call"]: row for row in figures["calls"]}
    assert list(rows) == [
        "health",
        "heartbeat",
        "create_job",
        "claim",
        "progress",
        "complete",
        "claim, none",
    ]
    assert all(row["errors"] == 0 for row in rows.values())
    assert rows["claim"]["count"] == rows["complete"]["count"] == 12  # every claim found a job
    cpu = [row["coordinator_cpu_ms"] for row in rows.values()]
    assert min(cpu) >= 0 and sum(cpu) > 0  # /proc counts in 10 ms ticks: a few calls may show 0
