"""Claimed audits run on real folders: signed results, NO_CHANGE per tool, one listing for all
the tools of an audit, refusals, cancellation. A job queued alone is an audit of one."""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import pytest

from shuttersense.common.analysis import run_analysis
from shuttersense.common.analysis_request import AnalysisRequest
from shuttersense.common.audit_protocol import AuditClaimResponse
from shuttersense.common.pipeline import checked_pipeline
from shuttersense.common.protocol import signature_matches
from shuttersense.common.results import ToolName
from shuttersense.desktop.agent import executor
from shuttersense.desktop.agent.executor import Outcome, execute_audit
from shuttersense.desktop.agent.roots import AuthorizedRoots
from tests.desktop.fake_coordinator import audit_claim, make_claim
from tests.helpers.samples import PIPELINE

Report = tuple[str, float, dict[str, int], str]


def run_audit(
    claim: dict[str, Any], roots: AuthorizedRoots, cancelled: bool = False
) -> tuple[list[Outcome], list[Report]]:
    reports: list[Report] = []
    outcomes = execute_audit(
        AuditClaimResponse.model_validate(claim),
        roots,
        lambda stage, percent, counts, message: reports.append((stage, percent, counts, message)),
        lambda: cancelled,
    )
    return outcomes, reports


def run(
    claim: dict[str, Any], roots: AuthorizedRoots, cancelled: bool = False
) -> tuple[Outcome, list[Report]]:
    """The job `claim` run as the audit of one it comes as."""
    [outcome], reports = run_audit(audit_claim(claim), roots, cancelled)
    assert outcome.job_guid == claim["job_guid"]
    return outcome, reports


def assert_signed(claim: dict[str, Any], outcome: Outcome) -> None:
    assert outcome.kind == "complete", outcome.error
    assert set(outcome.body) == {"result", "input_state_hash", "signature"}
    assert signature_matches(
        claim["claim_secret"],
        claim["job_guid"],
        outcome.body["input_state_hash"],
        outcome.body["result"],
        outcome.body["signature"],
    )


def test_a_job_completes_with_a_signed_result(photo_tree: Path, roots: AuthorizedRoots) -> None:
    claim = make_claim(photo_tree)
    outcome, _ = run(claim, roots)
    assert_signed(claim, outcome)
    result = outcome.body["result"]
    assert result["orphaned_sidecars"]["by_folder"] == {"2024": ["AB3D0003.xmp"]}
    assert result["orphaned_images"]["by_folder"] == {"2024": ["IMG_0004.CR3"]}
    expected = run_analysis(
        AnalysisRequest(root=photo_tree.resolve(), tools=(ToolName.PHOTOSTATS,))
    )
    assert outcome.body["input_state_hash"] == expected.tool_hashes["photostats"]
    assert "claim_token" not in outcome.body  # the store keeps that apart, sealed


def test_the_signature_is_bound_to_this_claim(photo_tree: Path, roots: AuthorizedRoots) -> None:
    claim = make_claim(photo_tree)
    outcome, _ = run(claim, roots)
    body = outcome.body
    assert not signature_matches(
        "another secret",
        claim["job_guid"],
        body["input_state_hash"],
        body["result"],
        body["signature"],
    )


def test_pipeline_validation_with_the_claims_pipeline(
    photo_tree: Path, roots: AuthorizedRoots
) -> None:
    claim = make_claim(photo_tree, "pipeline_validation", pipeline=PIPELINE)
    outcome, _ = run(claim, roots)
    assert_signed(claim, outcome)
    assert outcome.body["result"]["overall_status"] == {
        "CONSISTENT": 1,
        "PARTIAL": 1,
        "INCONSISTENT": 0,
    }


def test_the_team_config_of_the_claim_is_used(photo_tree: Path, roots: AuthorizedRoots) -> None:
    default, _ = run(make_claim(photo_tree), roots)
    narrowed, _ = run(make_claim(photo_tree, config={"photo_extensions": [".cr3"]}), roots)
    assert narrowed.kind == "complete"
    assert narrowed.body["input_state_hash"] != default.body["input_state_hash"]
    assert ".dng" not in narrowed.body["result"]["file_counts"]


def test_same_hash_as_the_previous_result_is_no_change(
    photo_tree: Path, roots: AuthorizedRoots
) -> None:
    first, _ = run(make_claim(photo_tree), roots)
    state_hash = first.body["input_state_hash"]
    previous = {"guid": "res_0001", "input_state_hash": state_hash}
    again, reports = run(make_claim(photo_tree, number=2, previous_result=previous), roots)
    assert again == Outcome(
        "no-change",
        {"input_state_hash": state_hash, "source_result_guid": "res_0001"},
        job_guid="job_0002",
    )
    assert "analyzing" not in {stage for stage, *_ in reports}  # nothing analysed


def test_a_changed_folder_is_analysed_again(photo_tree: Path, roots: AuthorizedRoots) -> None:
    first, _ = run(make_claim(photo_tree), roots)
    previous = {"guid": "res_0001", "input_state_hash": first.body["input_state_hash"]}
    (photo_tree / "2024" / "AB3D0005.CR3").write_bytes(b"new")
    claim = make_claim(photo_tree, number=2, previous_result=previous)
    again, _ = run(claim, roots)
    assert_signed(claim, again)
    assert again.body["input_state_hash"] != previous["input_state_hash"]


def test_a_previous_result_without_hash_is_not_no_change(
    photo_tree: Path, roots: AuthorizedRoots
) -> None:
    claim = make_claim(photo_tree, previous_result={"guid": "res_1", "input_state_hash": None})
    outcome, _ = run(claim, roots)
    assert outcome.kind == "complete"


def test_a_path_outside_the_roots_fails_for_good(photo_tree: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    roots = AuthorizedRoots.load([str(other)], environ={})
    outcome, reports = run(make_claim(photo_tree), roots)
    assert outcome.kind == "fail"
    assert not outcome.retryable
    assert "refused by the agent" in outcome.error
    assert "outside the authorized roots" in outcome.error
    assert str(other.resolve()) in outcome.error
    assert reports == []  # nothing was read


def test_a_claim_without_collection_fails(roots: AuthorizedRoots) -> None:
    outcome, _ = run(make_claim("/", collection=None), roots)
    assert outcome.kind == "fail"
    assert "no collection" in outcome.error


def test_an_unknown_tool_fails(photo_tree: Path, roots: AuthorizedRoots) -> None:
    outcome, _ = run(make_claim(photo_tree, "exif_dump"), roots)
    assert outcome.kind == "fail"
    assert "cannot run" in outcome.error
    assert "exif_dump" in outcome.error


def test_pipeline_validation_without_pipeline_fails(
    photo_tree: Path, roots: AuthorizedRoots
) -> None:
    outcome, _ = run(make_claim(photo_tree, "pipeline_validation"), roots)
    assert outcome.kind == "fail"
    assert not outcome.retryable
    assert "needs a pipeline" in outcome.error


def test_a_broken_pipeline_fails_listing_its_problems(
    photo_tree: Path, roots: AuthorizedRoots
) -> None:
    broken = copy.deepcopy(PIPELINE)
    broken["nodes"] = [node for node in broken["nodes"] if node["id"] != "end"]
    broken["edges"] = [edge for edge in broken["edges"] if edge["to"] != "end"]
    broken["edges"].append({"from": "dng", "to": "ghost"})
    outcome, reports = run(make_claim(photo_tree, "pipeline_validation", pipeline=broken), roots)
    assert outcome.kind == "fail"
    assert "no Termination node" in outcome.error
    assert "'ghost' is not a node" in outcome.error
    assert reports == []
    checked_pipeline(PIPELINE)  # the sample itself is fine: the edit made it fail


def test_a_cancelled_job_fails_at_once(photo_tree: Path, roots: AuthorizedRoots) -> None:
    started = time.monotonic()
    outcome, reports = run(make_claim(photo_tree), roots, cancelled=True)
    assert time.monotonic() - started < 2
    assert outcome.kind == "fail"
    assert "cancelled" in outcome.error
    assert not outcome.retryable
    assert [stage for stage, *_ in reports] == ["initializing"]


@pytest.mark.parametrize("tool", ["photostats", "pipeline_validation"])
def test_progress_moves_forward_through_the_stages(
    photo_tree: Path, roots: AuthorizedRoots, tool: str
) -> None:
    outcome, reports = run(make_claim(photo_tree, tool, pipeline=PIPELINE), roots)
    assert outcome.kind == "complete"
    stages = [stage for stage, *_ in reports]
    percents = [percent for _, percent, *_ in reports]
    assert stages[0] == "initializing"
    assert percents[0] == 0
    assert {"scanning", "analyzing"} <= set(stages)
    assert stages.index("scanning") < stages.index("analyzing")
    assert percents == sorted(percents)
    assert percents[-1] > percents[0]
    assert all(0 <= percent <= 100 for percent in percents)
    scanned = [counts for stage, _, counts, _ in reports if stage == "scanning"]
    assert scanned[-1] == {"files": 7}


def three_tools(root: Path, **previous: dict[str, Any]) -> dict[str, Any]:
    """An audit of the three tools on `root`, with the previous result of each tool given."""
    tools = ("photostats", "photo_pairing", "pipeline_validation")
    claims = [
        make_claim(root, tool, number=n, pipeline=PIPELINE, previous_result=previous.get(tool))
        for n, tool in enumerate(tools, start=1)
    ]
    return audit_claim(*claims)


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folders the executor listed, one entry per walk."""
    walked: list[Path] = []
    real = executor.scan_collection

    def counted(root: Path, sink: Any = None) -> Any:
        walked.append(root)
        return real(root, sink)

    monkeypatch.setattr(executor, "scan_collection", counted)
    return walked


@pytest.fixture
def analyses(monkeypatch: pytest.MonkeyPatch) -> list[tuple[ToolName, ...]]:
    """The tools of each analysis the executor ran."""
    ran: list[tuple[ToolName, ...]] = []
    real = executor.analyse_listing

    def counted(request: AnalysisRequest, listing: Any, sink: Any = None) -> Any:
        ran.append(request.tools or ())
        return real(request, listing, sink)

    monkeypatch.setattr(executor, "analyse_listing", counted)
    return ran


def test_an_audit_lists_the_collection_once_and_signs_each_tool_s_result(
    photo_tree: Path,
    roots: AuthorizedRoots,
    scans: list[Path],
    analyses: list[tuple[ToolName, ...]],
) -> None:
    claim = three_tools(photo_tree)
    outcomes, _ = run_audit(claim, roots)
    assert scans == [photo_tree.resolve()]
    assert analyses == [tuple(ToolName)]  # the three tools on that one listing
    local = run_analysis(
        AnalysisRequest(root=photo_tree.resolve(), pipeline=checked_pipeline(PIPELINE))
    )
    assert [outcome.job_guid for outcome in outcomes] == ["job_0001", "job_0002", "job_0003"]
    for outcome, job in zip(outcomes, claim["jobs"], strict=True):
        assert outcome.kind == "complete", outcome.error
        assert signature_matches(
            claim["claim_secret"],
            job["job_guid"],
            outcome.body["input_state_hash"],
            outcome.body["result"],
            outcome.body["signature"],
        )
        expected = local.results[job["tool"]].model_dump(mode="json", exclude={"scan_time"})
        got = {k: v for k, v in outcome.body["result"].items() if k != "scan_time"}
        assert got == expected
        assert outcome.body["input_state_hash"] == local.tool_hashes[job["tool"]]


def test_no_change_is_decided_per_tool_and_only_the_changed_tools_are_analysed(
    photo_tree: Path,
    roots: AuthorizedRoots,
    scans: list[Path],
    analyses: list[tuple[ToolName, ...]],
) -> None:
    first, _ = run_audit(three_tools(photo_tree), roots)
    hashes = {o.job_guid: o.body["input_state_hash"] for o in first}
    previous = {"guid": "res_ps", "input_state_hash": hashes["job_0001"]}
    outcomes, _ = run_audit(three_tools(photo_tree, photostats=previous), roots)
    assert [o.kind for o in outcomes] == ["no-change", "complete", "complete"]
    assert outcomes[0].body == {
        "input_state_hash": hashes["job_0001"],
        "source_result_guid": "res_ps",
    }
    assert analyses[-1] == (ToolName.PHOTO_PAIRING, ToolName.PIPELINE_VALIDATION)

    unchanged = {
        tool: {"guid": f"res_{n}", "input_state_hash": hashes[f"job_000{n}"]}
        for n, tool in enumerate(("photostats", "photo_pairing", "pipeline_validation"), 1)
    }
    before = len(analyses)
    outcomes, reports = run_audit(three_tools(photo_tree, **unchanged), roots)
    assert [o.kind for o in outcomes] == ["no-change"] * 3
    assert len(analyses) == before  # one scan, no analysis at all
    assert len(scans) == 3  # one listing per audit
    assert "analyzing" not in {stage for stage, *_ in reports}


def test_a_tool_that_cannot_run_fails_alone_and_the_others_complete(
    photo_tree: Path, roots: AuthorizedRoots
) -> None:
    claim = three_tools(photo_tree)
    claim["pipeline"] = None
    outcomes, _ = run_audit(claim, roots)
    assert [o.kind for o in outcomes] == ["complete", "complete", "fail"]
    assert "needs a pipeline" in outcomes[2].error and not outcomes[2].retryable


def test_a_cancelled_audit_fails_every_job_at_once(
    photo_tree: Path, roots: AuthorizedRoots, scans: list[Path]
) -> None:
    outcomes, reports = run_audit(three_tools(photo_tree), roots, cancelled=True)
    assert [(o.kind, o.error) for o in outcomes] == [("fail", "the job was cancelled")] * 3
    assert [stage for stage, *_ in reports] == ["initializing"]


def test_check_sidecars_in_the_job_parameters_lists_the_malformed_xmp(
    photo_tree: Path, roots: AuthorizedRoots
) -> None:
    (photo_tree / "2024" / "AB3D0002.xmp").write_bytes(b"<x:xmpmeta><unclosed>")
    plain, _ = run(make_claim(photo_tree), roots)
    claim = make_claim(photo_tree, number=2, parameters={"check_sidecars": True})
    checked, _ = run(claim, roots)
    assert_signed(claim, checked)
    assert plain.body["result"]["invalid_xmp"] is None  # not read
    [invalid] = checked.body["result"]["invalid_xmp"]
    assert "AB3D0002.xmp" in str(invalid)
    # A PhotoStats result made without reading the sidecars is no NO_CHANGE source for one that
    # reads them: the hashes differ.
    assert checked.body["input_state_hash"] != plain.body["input_state_hash"]
