"""Work beside the caller in a forked child, and the analysis that uses it for PhotoStats and
the input-state hash: the same document either way."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shuttersense.common.analysis import analyse_listing
from shuttersense.common.analysis_request import AnalysisRequest
from shuttersense.common.beside import Beside
from shuttersense.common.errors import ToolError
from shuttersense.common.listing import scan_collection
from shuttersense.common.pipeline import checked_pipeline
from tests.helpers.samples import FAMILY, PIPELINE


def test_the_child_computes_and_the_parent_reads_its_answer() -> None:
    helper = Beside(lambda: (os.getpid(), sum(range(1000))))
    child_pid, total = helper.result()
    assert child_pid != os.getpid() and total == 499500


def test_a_failure_in_the_child_is_an_error_in_the_parent() -> None:
    def broken() -> None:
        raise ValueError("the helper broke")

    with pytest.raises(ToolError, match="the helper broke"):
        Beside(broken).result()


def test_the_document_is_the_same_with_or_without_the_helper(tmp_path: Path) -> None:
    # AB3D0002.CR3 in two folders: a name collision, which the helper finds for Photo Pairing.
    extra = {"2024/notes.txt": b"hi", "2025/AB3D0009.CR3": 10, "2025/AB3D0002.CR3": 10}
    for rel, content in {**FAMILY, **extra}.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\0" * content if isinstance(content, int) else content)
    listing = scan_collection(tmp_path)
    assert scan_collection(tmp_path, in_two=True).entries == listing.entries  # walked in halves

    def document(fork: bool) -> dict:
        request = AnalysisRequest(
            root=tmp_path, pipeline=checked_pipeline(PIPELINE), fork_helpers=fork
        )
        dumped = analyse_listing(request, listing).model_dump(mode="json")
        for result in dumped["results"].values():
            result.pop("scan_time")
        dumped.pop("generated_at")
        return dumped

    alone, beside = document(False), document(True)
    assert list(beside["results"]) == ["photostats", "photo_pairing", "pipeline_validation"]
    assert beside == alone
    pairing = beside["results"]["photo_pairing"]
    assert pairing["name_collision_count"] == 1
    assert pairing["name_collisions"][0]["folders"] == ["2024", "2025"]
    orphaned = beside["results"]["photostats"]["orphaned_sidecars"]
    assert orphaned == {"count": 1, "by_folder": {"2024": ["AB3D0003.xmp"]}}
