"""The results document written piece by piece: the same bytes as the whole at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shuttersense.common.analysis import run_analysis
from shuttersense.common.analysis_request import AnalysisRequest
from shuttersense.common.cli.main import main
from shuttersense.common.json_stream import json_chunks
from shuttersense.common.pipeline import load_pipeline
from shuttersense.common.results import AnalysisDocument
from tests.common.test_result_reading import DATA, TREE

ODD = {'2026/\u00e9t\u00e9 "quoted" \\ back.CR3': 3, "2026/tab\there.xmp": 1, "x/\x7f.heic": 2}


@pytest.fixture
def document(tmp_path: Path) -> AnalysisDocument:
    root = tmp_path / "photos"
    for rel, size in {**TREE, **ODD}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"\0" * size)
    pipeline = load_pipeline(DATA / "two_archives_pipeline.json")
    return run_analysis(AnalysisRequest(root, pipeline=pipeline, check_sidecars=True))


def test_the_pieces_join_to_the_whole_document(document: AnalysisDocument) -> None:
    pieces = list(json_chunks(document))
    assert b"".join(pieces) == document.model_dump_json().encode()
    whole = len(document.model_dump_json().encode())
    assert max(map(len, pieces)) < whole / 4  # never the document in one piece


def test_analyze_json_file_is_the_streamed_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "photos"
    for rel, size in {**TREE, **ODD}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"\0" * size)
    pipeline = tmp_path / "pipeline.json"
    pipeline.write_text((DATA / "two_archives_pipeline.json").read_text())
    out = tmp_path / "out.json"
    assert main(["analyze", str(root), "--pipeline", str(pipeline), "--json", str(out), "-q"]) == 0
    written = out.read_bytes()
    assert written.endswith(b"}\n")
    parsed = AnalysisDocument.model_validate_json(written)
    assert parsed.results["pipeline_validation"].issues
    assert main(["analyze", str(root), "--pipeline", str(pipeline), "--json", "-", "-q"]) == 0
    printed, stored = json.loads(capsys.readouterr().out), json.loads(written)
    for doc in (printed, stored):
        doc.pop("generated_at")
        doc.pop("scan_time")
        for result in doc["results"].values():
            result.pop("scan_time")
    assert printed == stored
