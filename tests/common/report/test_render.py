"""Whole reports: structure, self-containment, escaping everywhere, verdicts, caps, file writing."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from shuttersense.common.report import render_report, write_report
from shuttersense.common.report.html import MAX_TABLE_ROWS
from shuttersense.common.results import (
    AnalysisDocument,
    CollectionSummary,
    InvalidFile,
    PathStat,
    ScanIssue,
    Status,
)
from tests.common.report import factories as f
from tests.common.report.factories import NASTY, NASTY_ESCAPED

_VOID = {"meta", "br", "hr", "img", "input", "link", "wbr"}


class _Structure(HTMLParser):
    """Checks that every element is closed, in order, and collects tags and attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((tag, name, value) for name, value in attrs)
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((tag, name, value) for name, value in attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()


def parse(page: str) -> _Structure:
    parser = _Structure()
    parser.feed(page)
    parser.close()
    return parser


def full_document() -> AnalysisDocument:
    return f.document(
        f.photostats(orphaned_xmp=["2024/AB3D0009.xmp"], invalid_xmp=[]),
        f.pairing(),
        f.validation(),
        scan_issues=[ScanIssue(path="locked", reason="permission denied")],
    )


# --- structure and self-containment -------------------------------------------------------------


def test_the_page_is_well_formed() -> None:
    page = render_report(full_document())
    parser = parse(page)
    assert parser.doctype.lower() == "doctype html"
    assert parser.problems == []
    assert parser.stack == []
    for container in ("html", "head", "body", "header", "section", "table", "svg", "details"):
        assert container in parser.tags
    assert parser.tags.count("section") >= 3


def test_the_page_loads_nothing_and_runs_nothing() -> None:
    page = render_report(full_document())
    parser = parse(page)
    assert "<script" not in page.lower()
    assert "http://" not in page
    assert "https://" not in page
    assert "url(" not in page
    assert "@import" not in page
    for tag, name, value in parser.attributes:
        assert name not in ("src", "srcset", "xmlns", "xlink:href", "action"), (tag, name)
        assert not name.startswith("on"), (tag, name)
        if name == "href":
            assert value is not None and value.startswith("#"), value
    policy = [v for tag, name, v in parser.attributes if tag == "meta" and name == "content"]
    assert "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'" in (
        policy
    )


def test_in_page_links_lead_to_sections() -> None:
    page = render_report(full_document())
    parser = parse(page)
    ids = {value for _, name, value in parser.attributes if name == "id"}
    hrefs = [value for _, name, value in parser.attributes if name == "href"]
    assert hrefs
    for href in hrefs:
        assert href is not None and href[1:] in ids


def test_header_shows_the_run() -> None:
    page = render_report(full_document())
    assert "/photos/2024" in page
    assert "2025-11-25 12:31:05 UTC" in page
    assert "shuttersense 0.1.0" in page
    assert ">3f1a9c0e5b7d</span>" in page
    assert "150.00 MB" in page


def test_details_are_open_so_they_print_expanded() -> None:
    page = render_report(full_document())
    assert "<details>" not in page
    assert page.count("<details open>") == 2
    assert "@media print" in page


# --- escaping -----------------------------------------------------------------------------------


def _nasty_image() -> f.ImageValidation:
    return f.image(
        NASTY,
        Status.INCONSISTENT,
        files=[f"2024/{NASTY}.CR3"],
        terminations={
            NASTY: f.match(Status.INCONSISTENT, missing=[NASTY], extra=[NASTY], completion=0.0)
        },
    )


PLACES: dict[str, Callable[[], AnalysisDocument]] = {
    "collection path": lambda: f.document(
        collection=CollectionSummary(path=NASTY, total_files=1, total_size=1)
    ),
    "generator": lambda: f.document(generator=NASTY),
    "orphaned image": lambda: f.document(f.photostats(orphaned_images=[NASTY])),
    "orphaned sidecar": lambda: f.document(f.photostats(orphaned_xmp=[NASTY])),
    "invalid sidecar": lambda: f.document(
        f.photostats(invalid_xmp=[InvalidFile(path=NASTY, reason=NASTY)])
    ),
    "invalid filename": lambda: f.document(
        f.pairing(invalid_files=[InvalidFile(path=NASTY, reason=NASTY)])
    ),
    "camera in pie": lambda: f.document(f.pairing(camera_usage={NASTY: 2, "x": 1})),
    "method in bars": lambda: f.document(f.pairing(method_usage={NASTY: 2})),
    "pipeline name": lambda: f.document(f.validation(pipeline_name=NASTY, pipeline_guid=NASTY)),
    "image and termination": lambda: f.document(f.validation(images=[_nasty_image()])),
    "termination pie": lambda: f.document(
        f.validation(by_termination={NASTY: {"CONSISTENT": 1, "PARTIAL": 1, "INCONSISTENT": 0}})
    ),
    "path node": lambda: f.document(
        f.validation(path_stats=[PathStat(path=[NASTY], image_count=1)])
    ),
    "scan issue": lambda: f.document(scan_issues=[ScanIssue(path=NASTY, reason=NASTY)]),
    "skipped tool": lambda: f.document(f.photostats(), skipped={NASTY: NASTY}),
    "hashes": lambda: f.document(input_state_hash=NASTY, tool_hashes={"photostats": NASTY}),
}


@pytest.mark.parametrize("place", sorted(PLACES))
def test_data_is_escaped(place: str) -> None:
    page = render_report(PLACES[place]())
    assert NASTY not in page
    assert "<script" not in page
    assert "'apos'" not in page
    assert NASTY_ESCAPED in page
    parser = parse(page)
    assert parser.problems == []
    assert "script" not in parser.tags


def test_extensions_are_escaped_after_upper_casing() -> None:
    result = f.photostats(file_counts={NASTY: 1, ".cr3": 1}, storage_by_type={NASTY: 1})
    page = render_report(f.document(result))
    assert NASTY.upper() not in page
    assert "<SCRIPT" not in page
    shown = "&lt;SCRIPT&gt;ALERT(1)&lt;/SCRIPT&gt; &quot;QUOTES&quot; &amp; &#x27;APOS&#x27;"
    assert f'<td class="legend-label">{shown}</td>' in page  # pie legend
    assert f"<title>{shown}: 1.00 B</title>" in page  # storage bar


def test_escaped_in_tables_and_chart_labels_alike() -> None:
    page = render_report(f.document(f.pairing(camera_usage={NASTY: 2, "x": 1})))
    assert f'<td class="legend-label">{NASTY_ESCAPED}</td>' in page
    assert f"<title>{NASTY_ESCAPED}: 2 (66.7%)</title>" in page


def test_undecodable_names_are_shown_not_fatal(tmp_path: Path) -> None:
    name = "2024/IMG\udcff\udcfe.CR3"  # bytes kept by surrogateescape (analysis spec D8)
    document = f.document(f.photostats(orphaned_images=[name]))
    page = render_report(document)
    assert "IMG\\xff\\xfe.CR3" in page
    write_report(document, tmp_path / "report.html")
    assert "IMG\\xff\\xfe.CR3" in (tmp_path / "report.html").read_text(encoding="utf-8")


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
        total_size=1536,
        orphaned_xmp=["a.xmp"],
        invalid_xmp=[InvalidFile(path="bad.xmp", reason="not well-formed")],
    )
    page = render_report(f.document(result))
    assert _kpi(page, "Total Images") == ("info", "5")  # .xmp does not count as an image
    assert _kpi(page, "Total Size") == ("info", "1.50 KB")
    assert _kpi(page, "Orphaned Images") == ("warning", "1")
    assert _kpi(page, "Orphaned Sidecars") == ("warning", "1")
    assert _kpi(page, "Paired") == ("info", "2")
    pie = page[page.index("Image Type Distribution") : page.index("Storage by Type")]
    assert "CR3" in pie and "DNG" in pie and "XMP" not in pie
    bars = page[page.index("Storage by Type") : page.index("File Pairing Status")]
    assert ">XMP</text>" in bars and "90.00 MB" in bars
    assert "Found 2 orphaned files" in page
    assert "Missing XMP sidecar" in page and "Missing image file" in page
    assert "not well-formed" in page


def test_photostats_without_orphans_or_sidecar_reading() -> None:
    page = render_report(f.document(f.photostats(orphaned_images=[])))
    assert _kpi(page, "Orphaned Images") == ("success", "0")
    assert "Every image that needs a sidecar has one" in page
    assert "Sidecar Contents" not in page  # invalid_xmp is None: sidecars were not read


def test_pairing_section() -> None:
    page = render_report(f.document(f.pairing()))
    assert _kpi(page, "Total Groups") == ("info", "3")
    assert _kpi(page, "Cameras Used") == ("info", "2")
    assert _kpi(page, "Processing Methods") == ("info", "2")
    assert _kpi(page, "Invalid Files") == ("danger", "1")
    assert "Camera Usage" in page and "Processing Methods" in page
    assert "<th>File</th><th>Issue</th>" in page
    assert "no camera ID" in page
    assert '<div class="notice warning"><p class="notice-title">Found 1 file with an' in page


def test_many_invalid_filenames_are_a_high_severity_warning() -> None:
    invalid = [InvalidFile(path=f"x{i}.jpg", reason="no counter") for i in range(11)]
    page = render_report(f.document(f.pairing(invalid_files=invalid)))
    assert (
        '<div class="notice danger"><p class="notice-title">'
        "Found 11 files with invalid filenames</p>" in page
    )


def test_pairing_without_problems() -> None:
    page = render_report(f.document(f.pairing(invalid_files=[], camera_usage={}, method_usage={})))
    assert _kpi(page, "Invalid Files") == ("success", "0")
    assert page.count("Nothing to show.") == 2


def test_validation_section() -> None:
    page = render_report(f.document(f.validation()))
    assert _kpi(page, "Total Images") == ("info", "4")
    assert _kpi(page, "Consistent") == ("success", "2")
    assert _kpi(page, "Partial") == ("warning", "1")
    assert _kpi(page, "Inconsistent") == ("danger", "1")
    assert _kpi(page, "Archival Ready") == ("info", "2")
    assert "Overall Status" in page
    assert "Black Box Archive Status" in page
    assert "Browsable Archive Status" not in page  # no data for it
    assert "capture → raw → xmp → archive" in page
    assert "✗</span> ab3d0003.xmp" in page
    assert "⚠</span> ab3d0003.jpg" in page
    # Problem images are grouped: partial first, then inconsistent.
    assert page.index("missing files the pipeline expects</summary>") < page.index(
        "no path of the pipeline matches</summary>"
    )


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
        images=[],
    )
    page = render_report(f.document(result))
    assert _kpi(page, "Consistent") == ("muted", "0")
    assert "No images to validate." in page
    assert "Overall Status" not in page
    assert "Every image matches a path of the pipeline." in page


def test_image_with_several_terminations_spans_rows() -> None:
    image = f.image(
        "AB3D0005",
        Status.PARTIAL,
        terminations={
            "Black Box Archive": f.match(Status.PARTIAL, missing=["ab3d0005.xmp"], completion=50),
            "Browsable Archive": f.match(Status.CONSISTENT),
        },
    )
    page = render_report(f.document(f.validation(images=[image])))
    assert '<td rowspan="2" class="image">' in page
    assert parse(page).problems == []


def test_skipped_tools_and_scan_issues() -> None:
    document = f.document(
        f.photostats(),
        skipped={"pipeline_validation": "no --pipeline given"},
        scan_issues=[ScanIssue(path="2024/locked", reason="permission denied")],
    )
    page = render_report(document)
    assert "<td>Pipeline Validation</td><td>no --pipeline given</td>" in page
    assert "2024/locked" in page and "permission denied" in page
    assert 'href="#not-run"' in page
    assert "<li>Pipeline Validation: not run</li>" in page


def test_document_without_results() -> None:
    document = f.document(f.photostats(), results={}, skipped={"photostats": "cancelled"})
    page = render_report(document)
    assert '<div class="verdict-label">NO RESULTS</div>' in page
    assert "<li>PhotoStats: not run</li>" in page
    assert parse(page).problems == []


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
    clean_stats = f.photostats(orphaned_images=[])
    clean_pairing = f.pairing(invalid_files=[])
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
        f.photostats(orphaned_images=[]),
        scan_issues=[ScanIssue(path="x", reason="permission denied")],
    )
    page = render_report(document)
    assert _verdict(page) == "ISSUES FOUND/warning"
    assert "<li>Scan: 1 issue</li>" in page


# --- capped tables ------------------------------------------------------------------------------


def test_tables_are_capped_with_a_pointer_to_the_json() -> None:
    orphans = [f"2024/IMG_{i:05d}.CR3" for i in range(MAX_TABLE_ROWS + 5)]
    page = render_report(f.document(f.photostats(orphaned_images=orphans)))
    assert "IMG_01999.CR3" in page
    assert "IMG_02000.CR3" not in page
    assert page.count("Missing XMP sidecar") == MAX_TABLE_ROWS
    assert "… and 5 more (see the JSON output)" in page


def test_problem_images_are_capped_per_status() -> None:
    images = [f.image(f"AB3D{i:04d}", Status.PARTIAL) for i in range(MAX_TABLE_ROWS + 1234)]
    page = render_report(f.document(f.validation(images=images)))
    assert page.count('<td class="image">') == MAX_TABLE_ROWS
    assert "… and 1,234 more (see the JSON output)" in page


def test_tables_at_the_cap_have_no_more_line() -> None:
    orphans = [f"IMG_{i}.CR3" for i in range(MAX_TABLE_ROWS)]
    page = render_report(f.document(f.photostats(orphaned_images=orphans)))
    assert "more (see the JSON output)" not in page


# --- writing ------------------------------------------------------------------------------------


def test_write_report_replaces_the_file_atomically(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old report", encoding="utf-8")
    document = full_document()
    write_report(document, target)
    assert target.read_text(encoding="utf-8") == render_report(document)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_write_report_uses_the_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    write_report(f.document(), target)
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_write_report_raises_os_errors_as_they_are(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_report(f.document(), tmp_path / "missing" / "report.html")


def test_a_failed_write_leaves_the_old_report_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.html"
    target.write_text("old report", encoding="utf-8")

    def refuse(src: object, dst: object) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        write_report(f.document(), target)
    assert target.read_text(encoding="utf-8") == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
