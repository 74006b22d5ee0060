"""Results stored under older schema versions read as today's: the fixture is what version 1 of
`shuttersense analyze --json` wrote for the tree below, and the version-2 issues are written out
below as version 2 shaped them (one per termination and pattern); either upgrade must say what
today's engine says of the same tree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from shuttersense.common.analysis import run_analysis
from shuttersense.common.analysis_request import AnalysisRequest
from shuttersense.common.name_runs import count_names
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


def _v2_issue(
    termination: str | None,
    status: str,
    expected: list[str],
    missing: list[str],
    extra: list[str],
    completion: float,
    images: dict[str, list[Any]],
) -> dict[str, Any]:
    """One schema-2 issue: the images of one pattern of one termination."""
    count = sum(count_names(names) for names in images.values())
    return {
        "termination": termination,
        "status": status,
        "expected": expected,
        "missing": missing,
        "extra": extra,
        "completion": completion,
        "image_count": count,
        "images": images,
    }


_BROWSABLE = ["-DxO.DNG", "-DxO.TIF", ".CR3", ".xmp"]
_BLACK_BOX = [".CR3", ".xmp"]
# What schema 2 said of TREE: each image once per termination it does not plainly finish.
_V2_ISSUES = [
    _v2_issue(
        "Browsable Archive",
        "PARTIAL",
        _BROWSABLE,
        ["-DxO.DNG", "-DxO.TIF"],
        [],
        50.0,
        {"2024": ["AB3D0002", "AB3D0005-2"], "2025": ["AB3D0008"]},
    ),
    _v2_issue(
        "Black Box Archive",
        "CONSISTENT_WITH_WARNING",
        _BLACK_BOX,
        [],
        ["-DxO.DNG"],
        100.0,
        {"2024": ["AB3D0001"]},
    ),
    _v2_issue(
        "Black Box Archive",
        "CONSISTENT_WITH_WARNING",
        _BLACK_BOX,
        [],
        ["-DxO.DNG", "-DxO.TIF"],
        100.0,
        {"2025": ["AB3D0007-2"]},
    ),
    _v2_issue(
        "Black Box Archive", "PARTIAL", _BLACK_BOX, [".xmp"], [], 50.0, {"2024": ["AB3D0005"]}
    ),
    _v2_issue(
        "Black Box Archive",
        "PARTIAL",
        _BLACK_BOX,
        [".xmp"],
        ["-DxO.DNG", "-HDR.CR3"],
        50.0,
        {"2025": ["AB3D0006"]},
    ),
    _v2_issue(
        "Browsable Archive",
        "PARTIAL",
        _BROWSABLE,
        ["-DxO.DNG", "-DxO.TIF", ".xmp"],
        [],
        25.0,
        {"2024": ["AB3D0005"]},
    ),
    _v2_issue(
        "Browsable Archive", "PARTIAL", _BROWSABLE, ["-DxO.TIF"], [], 75.0, {"2024": ["AB3D0001"]}
    ),
    _v2_issue(
        "Browsable Archive",
        "PARTIAL",
        _BROWSABLE,
        ["-DxO.TIF", ".xmp"],
        ["-HDR.CR3"],
        50.0,
        {"2025": ["AB3D0006"]},
    ),
]


def test_pipeline_validation_of_version_2_reads_as_today(both: tuple[dict, dict]) -> None:
    today = {**both[0]["pipeline_validation"]}
    stored = {**today, "schema_version": 2, "issues": _V2_ISSUES}
    upgraded = read_tool_result(stored).model_dump(mode="json")
    upgraded.pop("scan_time")
    for result in (upgraded, today):
        result.pop("path_stats")  # another test takes their names out of the shared fixture
    assert upgraded == today
    # Images once each: AB3D0005 and AB3D0006 were named under both terminations.
    named = [n for issue in upgraded["issues"] for names in issue["images"].values() for n in names]
    assert sorted(named) == sorted(set(named)) and len(named) == 7
    [both_partial] = [i for i in upgraded["issues"] if i["images"] == {"2024": ["AB3D0005"]}]
    assert [(p["termination"], p["missing"]) for p in both_partial["patterns"]] == [
        ("Black Box Archive", [".xmp"]),
        ("Browsable Archive", ["-DxO.DNG", "-DxO.TIF", ".xmp"]),
    ]


def test_version_2_runs_are_split_where_their_images_part() -> None:
    """A run of schema 2 stands for many images: expanded, each image is regrouped with its
    patterns elsewhere, and what still runs is compacted again."""
    vault = [".CR3", ".xmp"]
    stored = {
        "tool": "pipeline_validation",
        "schema_version": 2,
        "pipeline_name": "Two archives",
        "total_files": 300,
        "total_images": 300,
        "total_groups": 300,
        "invalid_files_count": 0,
        "status_counts": {"partial": 300},
        "overall_status": {"CONSISTENT": 0, "PARTIAL": 300, "INCONSISTENT": 0},
        "by_termination": {},
        "archival_ready_count": 0,
        "path_stats": [],
        "issues": [
            _v2_issue(
                "Vault", "PARTIAL", vault, [".xmp"], [], 50.0, {"a": [("AB3D0001", "AB3D0300")]}
            ),
            _v2_issue(
                "Web", "PARTIAL", [".JPG"], [".JPG"], [], 0.0, {"a": [("AB3D0101", "AB3D0200")]}
            ),
        ],
    }
    result = read_tool_result(stored)
    assert isinstance(result, PipelineValidationResult) and result.schema_version == 3
    both_, vault_only = result.issues  # most images first: 200 against 100
    assert both_.image_count == 200
    assert [p.termination for p in both_.patterns] == ["Vault"]
    assert both_.images == {"a": [("AB3D0001", "AB3D0100"), ("AB3D0201", "AB3D0300")]}
    assert [p.termination for p in vault_only.patterns] == ["Vault", "Web"]
    assert vault_only.images == {"a": [("AB3D0101", "AB3D0200")]}


@pytest.mark.parametrize(
    "issue",
    [
        {"termination": "Vault", "status": "MAYBE", "images": {}},
        {"termination": "Vault", "status": "PARTIAL", "images": {"a": [["AB3D0009", "x"]]}},
        "not an issue",
    ],
)
def test_a_broken_version_2_result_is_refused_with_the_reason(issue: object) -> None:
    stored = {"tool": "pipeline_validation", "schema_version": 2, "issues": [issue]}
    with pytest.raises(ValidationError, match="pipeline_validation result of schema 2 that cannot"):
        read_tool_result(stored)


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
