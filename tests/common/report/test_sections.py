"""Each tool's section: its KPIs, charts and lists, and the verdicts."""

from __future__ import annotations

import re

import pytest

from shuttersense.common.report import render_report
from shuttersense.common.result_reading import read_tool_result
from shuttersense.common.results import (
    InvalidFile,
    PathStat,
    ScanIssue,
)
from tests.common.report import factories as f
from tests.common.report.pages import parse

# --- content per tool ---------------------------------------------------------------------------


def _kpi(page: str, title: str) -> tuple[str, str]:
    """(tone, value) of the KPI card with this title."""
    match = re.search(
        rf'<div class="kpi tone-(\w+)"><div class="kpi-title">{re.escape(title)}</div>'
        r'<div class="kpi-value">([^<]*)</div>',
        page,
    )
    assert match, title
    return match.group(1), match.group(2)


def test_photostats_section() -> None:
    result = f.photostats(
        file_counts={".cr3": 3, ".dng": 2, ".xmp": 4},
        total_files=9,
        total_size=1536,
        orphaned_sidecars=f.files("a.xmp"),
        invalid_xmp=[InvalidFile(path="bad.xmp", reason="not well-formed")],
        not_analysed={".mov": f.not_analysed("2024/a.MOV", "2024/b.MOV", count=30, size=2048)},
    )
    page = render_report(f.document(result))
    assert _kpi(page, "Image files") == ("info", "5")  # .xmp is not an image file
    assert _kpi(page, "Files (incl. sidecars)") == ("info", "9")
    assert '<div class="kpi-hint">1.50 KB</div>' in page
    assert _kpi(page, "Orphaned images") == ("warning", "1")
    assert _kpi(page, "Orphaned sidecars") == ("warning", "1")
    assert _kpi(page, "Paired") == ("info", "2")
    assert "Total Images" not in page
    pie = page[page.index("Image Type Distribution") : page.index("Storage by Type")]
    assert "CR3" in pie and "DNG" in pie and "XMP" not in pie
    bars = page[page.index("Storage by Type") : page.index("File Pairing Status")]
    assert ">XMP</text>" in bars and "90.00 MB" in bars
    assert "Found 2 orphaned files" in page
    assert "<summary>Orphaned images: 1, each missing its sidecar</summary>" in page
    assert "<summary>Orphaned sidecars: 1, each missing its image</summary>" in page
    assert "not well-formed" in page
    assert '<td>.mov</td><td class="num">30</td><td class="num">2.00 KB</td>' in page
    assert '<div class="path">2024/a.MOV</div><div class="path">2024/b.MOV</div>' in page


def test_photostats_without_orphans_or_sidecar_reading() -> None:
    page = render_report(f.document(f.photostats(orphaned_images=f.files())))
    assert _kpi(page, "Orphaned images") == ("success", "0")
    assert "Every image that needs a sidecar has one" in page
    assert "Sidecar Contents" not in page  # invalid_xmp is None: sidecars were not read
    assert "Files not analysed" not in page


def test_pairing_section() -> None:
    collision = f.collisions(["2023", "2024"], "AB3D0007.CR3")
    page = render_report(f.document(f.pairing(name_collisions=[collision])))
    assert _kpi(page, "Images") == ("info", "4")
    assert _kpi(page, "Image groups") == ("info", "3")
    assert _kpi(page, "Cameras used") == ("info", "2")
    assert _kpi(page, "Processing methods") == ("info", "2")
    assert _kpi(page, "Invalid names") == ("danger", "1")
    assert "separate images, from 6 files" in page
    assert f'<p class="convention">File names read as {f.CONVENTION}.</p>' in page
    assert "Camera Usage" in page and "Processing Methods" in page
    assert '<span class="action-count">1</span> file: no camera ID</summary>' in page
    assert '<div class="notice warning"><p class="notice-title">Found 1 file with an' in page
    block = page[page.index("<h3>Name Collisions</h3>") :]
    assert '<span class="action-count">1</span> name found in several folders</summary>' in block
    assert '<span class="path">2023 + 2024</span> <span class="count">1 name</span>' in block
    assert "<li>AB3D0007.CR3</li>" in block


def test_many_invalid_filenames_are_a_high_severity_warning() -> None:
    group = f.invalid("no counter", *(f"x{i}.jpg" for i in range(11)))
    page = render_report(f.document(f.pairing(invalid_names=[group])))
    assert (
        '<div class="notice danger"><p class="notice-title">'
        "Found 11 files with invalid filenames</p>" in page
    )


def test_pairing_without_problems() -> None:
    result = f.pairing(invalid_names=[], camera_usage={}, method_usage={})
    page = render_report(f.document(result))
    assert _kpi(page, "Invalid names") == ("success", "0")
    assert page.count("Nothing to show.") == 2
    assert "Name Collisions" not in page


def test_validation_section() -> None:
    page = render_report(f.document(f.validation()))
    assert _kpi(page, "Images validated") == ("info", "4")
    assert _kpi(page, "Consistent") == ("success", "2")
    assert _kpi(page, "Partial") == ("warning", "1")
    assert _kpi(page, "Inconsistent") == ("danger", "1")
    assert _kpi(page, "Archival ready") == ("info", "2")
    assert "Overall Status" in page
    assert "Black Box Archive Status" in page
    assert "Browsable Archive Status" not in page  # no data for it
    section = page[page.index('id="tool-pipeline_validation"') :]
    assert (
        '<span class="status status-partial">Partial</span><span class="action-count">1</span> '
        "image missing <code>.xmp</code> for Black Box Archive" in section
    )
    assert (
        "image missing <code>.CR3</code> and <code>.xmp</code>, with unexpected "
        "<code>-HDR.jpg</code>, for Black Box Archive" in section
    )
    assert "the unexpected file is <code>AB3D0003-HDR-2.jpg</code>" in section


def test_paths_followed_show_node_names_with_ids_on_hover() -> None:
    page = render_report(f.document(f.validation()))
    assert (
        '<span title="capture → raw → xmp → archive">Camera → RAW file → XMP sidecar → Archive'
        "</span>" in page
    )
    old = f.validation(path_stats=[PathStat(path=["capture", "raw"], image_count=1)])
    assert ">capture → raw</span>" in render_report(f.document(old))  # a result without names


def test_many_paths_are_a_closed_table() -> None:
    paths = [PathStat(path=[f"n{i}"], names=[f"Node {i}"], image_count=i) for i in range(30)]
    page = render_report(f.document(f.validation(path_stats=paths)))
    assert "<details><summary>30 paths</summary>" in page


def test_validation_colours_statuses_consistently() -> None:
    page = render_report(f.document(f.validation()))
    assert "<title>Consistent: 2 (50%)</title>" in page
    for label, colour in (("Consistent", "#2e7d32"), ("Partial", "#f59e0b")):
        assert re.search(rf'fill="{colour}"[^>]*><title>{label}: ', page)


def test_validation_with_no_images() -> None:
    result = f.validation(
        total_images=0,
        status_counts={},
        overall_status={"CONSISTENT": 0, "PARTIAL": 0, "INCONSISTENT": 0},
        by_termination={},
        archival_ready_count=0,
        path_stats=[],
        issues=[],
    )
    page = render_report(f.document(result))
    assert _kpi(page, "Consistent") == ("muted", "0")
    assert "Overall Status" not in page
    assert "Every image is consistent for every termination." in page
    assert "No image followed a pipeline path." in page


def test_skipped_tools_and_scan_issues() -> None:
    document = f.document(
        f.photostats(),
        skipped={"pipeline_validation": "no --pipeline given"},
        scan_issues=[ScanIssue(path="2024/locked", reason="permission denied")],
    )
    page = render_report(document)
    assert "<td>Pipeline Validation</td><td>no --pipeline given</td>" in page
    assert "2024/locked" in page and "permission denied" in page
    assert "<summary>Paths not read: 1</summary>" in page
    assert 'href="#not-run"' in page
    assert "<li>Pipeline Validation: not run</li>" in page


def test_document_without_results() -> None:
    document = f.document(f.photostats(), results={}, skipped={"photostats": "cancelled"})
    page = render_report(document)
    assert '<div class="verdict-label">NO RESULTS</div>' in page
    assert "<li>PhotoStats: not run</li>" in page
    assert parse(page).problems == []


def test_a_version_1_result_read_through_the_upgrade_renders() -> None:
    stored = {
        "tool": "photostats",
        "total_files": 2,
        "total_size": 10,
        "file_counts": {".cr3": 1, ".xmp": 1},
        "storage_by_type": {".cr3": 9, ".xmp": 1},
        "metadata_extensions": [".xmp"],
        "paired_count": 0,
        "orphaned_images": ["2024/AB3D0001.CR3"],
        "orphaned_xmp": ["2023/AB3D0002.xmp"],
    }
    page = render_report(f.document(read_tool_result(stored)))
    assert "<li>AB3D0001.CR3</li>" in page and "<li>AB3D0002.xmp</li>" in page
    assert "result schema v3" in page


# --- verdicts -----------------------------------------------------------------------------------


def _verdict(page: str) -> str:
    match = re.search(r'<div class="verdict (\w+)"><div class="verdict-label">([^<]*)<', page)
    assert match
    return f"{match.group(2)}/{match.group(1)}"


def _counts(consistent: int, partial: int, inconsistent: int) -> dict[str, object]:
    return {
        "overall_status": {
            "CONSISTENT": consistent,
            "PARTIAL": partial,
            "INCONSISTENT": inconsistent,
        },
        "total_images": consistent + partial + inconsistent,
    }


@pytest.mark.parametrize(
    ("consistent", "partial", "inconsistent", "verdict"),
    [
        (5, 0, 0, "PASSED/success"),
        (5, 2, 0, "PARTIAL/warning"),
        (5, 2, 1, "FAILED/danger"),
        (0, 0, 1, "FAILED/danger"),
        (0, 0, 0, "PASSED/success"),
    ],
)
def test_validation_verdict(consistent: int, partial: int, inconsistent: int, verdict: str) -> None:
    result = f.validation(**_counts(consistent, partial, inconsistent))
    page = render_report(f.document(result))
    assert _verdict(page) == verdict
    label = verdict.split("/")[0]
    assert f'<span class="badge {verdict.split("/")[1]}">{label}</span>' in page


def test_run_verdict_is_the_worst_tool() -> None:
    clean_stats = f.photostats(orphaned_images=f.files())
    clean_pairing = f.pairing(invalid_names=[])
    passed = f.validation(**_counts(4, 0, 0))
    assert _verdict(render_report(f.document(clean_stats, clean_pairing, passed))) == (
        "PASSED/success"
    )
    assert _verdict(render_report(f.document(f.photostats(), clean_pairing, passed))) == (
        "ISSUES FOUND/warning"
    )
    partial = f.validation(**_counts(3, 1, 0))
    assert _verdict(render_report(f.document(f.photostats(), partial))) == "PARTIAL/warning"
    failed = f.validation(**_counts(3, 0, 1))
    assert _verdict(render_report(f.document(clean_stats, failed))) == "FAILED/danger"


def test_scan_issues_spoil_a_clean_run() -> None:
    document = f.document(
        f.photostats(orphaned_images=f.files()),
        scan_issues=[ScanIssue(path="x", reason="permission denied")],
    )
    page = render_report(document)
    assert _verdict(page) == "ISSUES FOUND/warning"
    assert "<li>Scan: 1 issue</li>" in page
