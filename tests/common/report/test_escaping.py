"""Every text that comes from data reaches the page escaped, wherever it is shown."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from shuttersense.common.report import render_report, write_report
from shuttersense.common.results import (
    AnalysisDocument,
    CollectionSummary,
    FilesByFolder,
    InvalidFile,
    PathStat,
    ScanIssue,
    Status,
    ValidationIssue,
)
from tests.common.report import factories as f
from tests.common.report.factories import NASTY, NASTY_ESCAPED
from tests.common.report.pages import parse


def _nasty_files() -> FilesByFolder:
    return FilesByFolder(count=1, by_folder={NASTY: [NASTY]})


def _nasty_issue() -> ValidationIssue:
    return f.issue(
        Status.INCONSISTENT,
        NASTY,
        expected=[NASTY],
        missing=[NASTY],
        extra=[NASTY],
        images={NASTY: [NASTY]},
    )


PLACES: dict[str, Callable[[], AnalysisDocument]] = {
    "collection path": lambda: f.document(
        collection=CollectionSummary(path=NASTY, total_files=1, total_size=1)
    ),
    "collection name": lambda: f.document(
        collection=CollectionSummary(path="/x", name=NASTY, total_files=1, total_size=1)
    ),
    "generator": lambda: f.document(generator=NASTY),
    "orphaned image and its folder": lambda: f.document(
        f.photostats(orphaned_images=_nasty_files())
    ),
    "orphaned sidecar and its folder": lambda: f.document(
        f.photostats(orphaned_sidecars=_nasty_files())
    ),
    "invalid sidecar": lambda: f.document(
        f.photostats(invalid_xmp=[InvalidFile(path=NASTY, reason=NASTY)])
    ),
    "file not analysed": lambda: f.document(
        f.photostats(not_analysed={NASTY: f.not_analysed(NASTY)})
    ),
    "invalid name, folder and reason": lambda: f.document(
        f.pairing(invalid_names=[f.invalid(NASTY, f"{NASTY}/{NASTY}")])
    ),
    "filename convention": lambda: f.document(f.pairing(filename_convention=NASTY)),
    "name collision": lambda: f.document(
        f.pairing(name_collisions=[f.collisions([NASTY, "2024"], NASTY)])
    ),
    "camera in pie": lambda: f.document(f.pairing(camera_usage={NASTY: 2, "x": 1})),
    "method in bars": lambda: f.document(f.pairing(method_usage={NASTY: 2})),
    "pipeline name": lambda: f.document(f.validation(pipeline_name=NASTY, pipeline_guid=NASTY)),
    "issue names, termination, image and folder": lambda: f.document(
        f.validation(issues=[_nasty_issue()])
    ),
    "termination pie": lambda: f.document(
        f.validation(by_termination={NASTY: {"CONSISTENT": 1, "PARTIAL": 1, "INCONSISTENT": 0}})
    ),
    "path node name": lambda: f.document(
        f.validation(path_stats=[PathStat(path=["a"], names=[NASTY], image_count=1)])
    ),
    "path node id": lambda: f.document(
        f.validation(path_stats=[PathStat(path=[NASTY], names=["a"], image_count=1)])
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
    # Bytes kept by surrogateescape (analysis spec D8), in a folder and a name.
    orphans = f.files("2024/x\udcfe/IMG\udcff.CR3")
    document = f.document(f.photostats(orphaned_images=orphans))
    page = render_report(document)
    assert "<li>IMG\\xff.CR3</li>" in page
    assert '<span class="path">2024/x\\xfe</span>' in page
    write_report(document, tmp_path / "report.html")
    assert "IMG\\xff.CR3" in (tmp_path / "report.html").read_text(encoding="utf-8")
