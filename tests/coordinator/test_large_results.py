"""A large result's upload finish is read in the parsing process, and the served coordinator
stores what the in-process path stored (issue 9). How long `/health` waits meanwhile is measured
by benchmarks/large_upload.py, not here (docs/performance.md "Large request bodies")."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from sqlalchemy import select

from benchmarks.large_body import served
from benchmarks.large_upload import large_result, upload_finish
from benchmarks.load_fleet import enrol_fleet
from shuttersense.common.result_reading import read_tool_result
from shuttersense.common.results import result_counts
from shuttersense.coordinator.models import Collection, Result
from shuttersense.coordinator.services import trend_metrics
from tests.coordinator.factories import db

FILES = 2_000_000  # 76 MiB of JSON: /health waited 1.8-2.9 s when it was read in-process


def _parsing_process_cpu(server: int) -> float:
    """CPU seconds used so far by the server's parsing process (its spawned child)."""
    children = " ".join(
        path.read_text() for path in Path(f"/proc/{server}/task").glob("*/children")
    )
    for child in children.split():
        if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
            fields = Path(f"/proc/{child}/stat").read_text().rpartition(")")[2].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    raise AssertionError(f"the server {server} has no parsing process")


def test_a_large_upload_is_finished_in_the_parsing_process(tmp_path: Path) -> None:
    coordinator = str(Path(sys.executable).with_name("shuttersense-coordinator"))
    document = json.dumps(large_result(FILES), separators=(",", ":")).encode()
    started = time.process_time()
    json.loads(document)
    reading = time.process_time() - started  # what reading it alone costs here
    url = f"sqlite:///{tmp_path / 'coordinator.db'}"
    with served(coordinator, tmp_path) as (port, pid):
        fleet = enrol_fleet(url, "unused", 1, 1, 1)
        base = f"http://127.0.0.1:{port}"
        finished, _seconds = upload_finish(
            base, fleet.agent_keys[0], fleet.collections[0], document
        )
        assert finished.status_code == 200, finished.text
        # The process exists once a body was parsed there, and it did that work (CPU time, not
        # wall time, so whatever the machine's load; it also validates and packs the result).
        assert _parsing_process_cpu(pid) >= reading / 2
    expected = read_tool_result(json.loads(document))
    with db(url) as session:
        stored = session.scalar(select(Result))
        assert stored is not None and stored.guid == finished.json()["result_guid"]
        assert stored.results_json == expected.model_dump(mode="json")
        counts = (stored.files_scanned, stored.issues_found)
        assert (stored.tool, counts) == ("photostats", result_counts(expected))
        dumped = expected.model_dump(mode="json")
        assert stored.trend_counts == trend_metrics.counts("photostats", dumped)  # kept beside
        collection = session.scalar(select(Collection))
        assert collection is not None and collection.file_count == FILES
