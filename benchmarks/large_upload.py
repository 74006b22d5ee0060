"""The chunked upload's finish of a large result against a served coordinator: how long
`/health` waits at worst while the coordinator assembles, checks and stores it (issue 9).

Usage, from the repository root (docs/performance.md, "Large request bodies"):

    .venv/bin/python -m benchmarks.large_upload                  # 2 million files, 77 MiB
    .venv/bin/python -m benchmarks.large_upload --files 500000
    .venv/bin/python -m benchmarks.large_upload --coordinator OTHER/bin/shuttersense-coordinator

A fresh `shuttersense-coordinator serve` (SQLite, in a temporary folder) with one agent and one
collection; the agent uploads a PhotoStats result whose orphaned images list `--files` names
(an offline result: no claim or signature needed) in 5 MiB chunks, then finishes it while
`/health` is asked every 20 ms.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from shuttersense.common.results import RESULT_SCHEMA_VERSION

from .large_body import HealthWatch, memory_kib, served
from .load_fleet import enrol_fleet

__all__ = ["FinishFigures", "large_result", "upload_finish"]

UPLOADS = "/api/agent/v1/uploads"
_CHUNK = 5 * 1024 * 1024
FinishFigures = dict[str, Any]


def large_result(files: int) -> dict[str, Any]:
    """A valid PhotoStats result of `files` orphaned images, 1,000 to a folder, each listed as a
    `[first, last]` run of its own (about 40 bytes of JSON, and two objects to make, each)."""
    folders = {
        f"2024/shoot-{start // 1000:05d}": [
            [f"IMG_{n:08d}.cr3", f"IMG_{n:08d}.cr3"] for n in range(start, min(start + 1000, files))
        ]
        for start in range(0, files, 1000)
    }
    return {
        "tool": "photostats",
        "schema_version": RESULT_SCHEMA_VERSION,
        "total_files": files,
        "total_size": files * 30_000_000,
        "file_counts": {".cr3": files},
        "storage_by_type": {".cr3": files * 30_000_000},
        "metadata_extensions": [".xmp"],
        "paired_count": 0,
        "orphaned_images": {"count": files, "by_folder": folders},
        "orphaned_sidecars": {"count": 0, "by_folder": {}},
    }


def upload_finish(
    base: str, agent_key: str, collection: str, document: bytes, watch: HealthWatch | None = None
) -> tuple[httpx.Response, float]:
    """Upload `document` as an offline result of `collection` and finish it (`watch`, if given,
    counts only the finish): the finish's answer and its seconds."""
    headers = {"Authorization": f"Bearer {agent_key}"}
    pieces = [document[i : i + _CHUNK] for i in range(0, len(document), _CHUNK)]
    with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
        opened = client.post(
            UPLOADS,
            json={
                "collection_guid": collection,
                "idempotency_key": hashlib.sha256(document).hexdigest()[:32],
                "total_size": len(document),
                "chunk_count": len(pieces),
            },
        )
        opened.raise_for_status()
        guid = opened.json()["upload_guid"]
        for position, piece in enumerate(pieces):
            sent = client.put(
                f"{UPLOADS}/{guid}/chunks/{position}",
                content=piece,
                headers={
                    "Content-Type": "application/octet-stream",
                    "X-Chunk-SHA256": hashlib.sha256(piece).hexdigest(),
                },
            )
            sent.raise_for_status()
        if watch is not None:
            watch.worst = 0.0
        started = time.perf_counter()
        finished = client.post(
            f"{UPLOADS}/{guid}/finish", json={"sha256": hashlib.sha256(document).hexdigest()}
        )
        return finished, time.perf_counter() - started


def measure(coordinator: str, files: int) -> FinishFigures:
    document = json.dumps(large_result(files), separators=(",", ":")).encode()
    with tempfile.TemporaryDirectory() as tmp, served(coordinator, Path(tmp)) as (port, pid):
        fleet = enrol_fleet(f"sqlite:///{Path(tmp) / 'coordinator.db'}", "unused", 1, 1, 1)
        base = f"http://127.0.0.1:{port}"
        with HealthWatch(port) as watch:
            finished, seconds = upload_finish(
                base, fleet.agent_keys[0], fleet.collections[0], document, watch
            )
        memory = memory_kib(pid)
    return {
        "files": files,
        "document_mib": round(len(document) / 2**20, 1),
        "status": finished.status_code,
        "finish_seconds": round(seconds, 2),
        "health_worst_seconds": round(watch.worst, 3),
        "server_rss_peak_mib": round(memory["VmHWM"] / 1024),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--coordinator", default=str(Path(sys.executable).with_name("shuttersense-coordinator"))
    )
    parser.add_argument("--files", type=int, default=2_000_000)
    args = parser.parse_args(argv)
    print(measure(args.coordinator, args.files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
