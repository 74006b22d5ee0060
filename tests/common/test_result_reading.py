"""Results stored under schema version 1 read as version 2: the fixture is what version 1 of
`shuttersense analyze --json` wrote for the tree below; the upgrade must say what today's engine
says of the same tree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from shuttersense.common.analysis import run_analysis
from shuttersense.common.analysis_request import AnalysisRequest
from shuttersense.common.pipeline import load_pipeline
from shuttersense.common.result_reading import read_tool_result, upgrade_payload
from shuttersense.common.results import (
    RESULT_SCHEMA_VERSION,
    PhotoPairingResult,
    PhotoStatsResult,
    PipelineValidationResult,
)

DATA = Path(__file__).with_name("data")
TREE = {
    "2024/AB3D0001.CR3": 300,
    "2024/AB3D0001.xmp": 10,
    "2024/AB3D0001-DxO.DNG": 500,
    "2024/AB3D0002.CR3": 200,
    "2024/AB3D0002.xmp": 10,
    "2024/AB3D0003.xmp": 10,
    "2024/IMG_0004.CR3": 100,
    "2024/ab3d0009.CR3": 5,
    "2024/AB3D0005.CR3": 1,
    "2024/AB3D0005-2.CR3": 1,
    "2024/AB3D0005-2.xmp": 1,
    "2025/AB3D0006.CR3": 1,
    "2025/AB3D0006-HDR.CR3": 1,
    "2025/export/AB3D0006-DxO.DNG": 1,
    "2025/AB3D0007-2.CR3": 1,
    "2025/AB3D0007-2.xmp": 1,
    "2025/AB3D0007-DxO-2.DNG": 1,
    "2025/AB3D0007-DxO-2.TIF": 1,
    "2025/AB3D0008.CR3": 1,
    "2025/AB3D0008.CR3.xmp": 1,
}


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    root = tmp_path_factory.mktemp("tree")
    for rel, size in TREE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"\0" * size)
    request = AnalysisRequest(root, pipeline=load_pipeline(DATA / "two_archives_pipeline.json"))
    today = run_analysis(request).model_dump(mode="json")["results"]
    stored = json.loads((DATA / "v1_document.json").read_text())["results"]
    assert {r["schema_version"] for r in stored.values()} == {1}
    upgraded = {tool: read_tool_result(r).model_dump(mode="json") for tool, r in stored.items()}
    for results in (today, upgraded):
        for result in results.values():
            result.pop("scan_time")
    return today, upgraded


def test_photostats_of_version_1_reads_as_today(both: tuple[dict, dict]) -> None:
    today, upgraded = both
    assert today["photostats"].pop("not_analysed") == {}
    assert upgraded["photostats"].pop("not_analysed") == {}  # version 1 did not tell
    assert upgraded["photostats"] == today["photostats"]
    assert upgraded["photostats"]["orphaned_sidecars"] == {
        "count": 1,
        "by_folder": {"2024": ["AB3D0003.xmp"]},
    }


def test_photo_pairing_of_version_1_reads_as_today(both: tuple[dict, dict]) -> None:
    today, upgraded = both
    assert today["photo_pairing"].pop("filename_convention").startswith("the filename pattern")
    assert upgraded["photo_pairing"].pop("filename_convention") == ""
    assert upgraded["photo_pairing"] == today["photo_pairing"]
    assert upgraded["photo_pairing"]["invalid_file_count"] == 2


def test_pipeline_validation_of_version_1_reads_as_today(both: tuple[dict, dict]) -> None:
    today, upgraded = both
    names = [stat.pop("names") for stat in today["pipeline_validation"]["path_stats"]]
    assert any("DxO PureRAW" in shown for shown in names)  # node names; version 1 had ids only
    for stat in upgraded["pipeline_validation"]["path_stats"]:
        assert stat.pop("names") == stat["path"]
    assert upgraded["pipeline_validation"] == today["pipeline_validation"]
    assert len(today["pipeline_validation"]["issues"]) >= 4


def test_current_payloads_and_foreign_ones_pass_through() -> None:
    current = {"tool": "photostats", "schema_version": RESULT_SCHEMA_VERSION, "x": 1}
    assert upgrade_payload(current) == current
    assert upgrade_payload({"tool": "nope", "schema_version": 1}) == {
        "tool": "nope",
        "schema_version": 1,
    }
    with pytest.raises(ValidationError):
        read_tool_result({"tool": "photostats", "schema_version": 1, "orphaned_images": "x"})


def test_upgrading_leaves_the_stored_payload_alone() -> None:
    stored = json.loads((DATA / "v1_document.json").read_text())["results"]
    before = json.dumps(stored, sort_keys=True)
    for payload in stored.values():
        read_tool_result(payload)
    assert json.dumps(stored, sort_keys=True) == before


@pytest.mark.parametrize(
    ("tool", "model"),
    [
        ("photostats", PhotoStatsResult),
        ("photo_pairing", PhotoPairingResult),
        ("pipeline_validation", PipelineValidationResult),
    ],
)
def test_each_tool_upgrades_to_its_model(tool: str, model: type) -> None:
    stored = json.loads((DATA / "v1_document.json").read_text())["results"][tool]
    assert isinstance(read_tool_result(stored), model)
