"""Whole reports: structure, self-containment, the header, caps and writing the file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shuttersense.common.report import render_report, write_report
from shuttersense.common.report.html import MAX_NAMES
from shuttersense.common.results import (
    AnalysisDocument,
    CollectionSummary,
    ScanIssue,
)
from tests.common.report import factories as f
from tests.common.report.pages import parse


def full_document() -> AnalysisDocument:
    return f.document(
        f.photostats(orphaned_sidecars=f.files("2024/AB3D0009.xmp"), invalid_xmp=[]),
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
    assert "<h1>2024</h1>" in page  # no name: the folder's last part
    assert '<span class="path">/photos/2024</span>' in page
    assert "<dt>Pipeline</dt><dd>Standard RAW workflow · version 3</dd>" in page
    assert "2025-11-25 12:31:05 UTC" in page
    assert "shuttersense 0.1.0" in page
    assert ">3f1a9c0e5b7d</span>" in page
    assert "150.00 MB" in page
    assert "<title>2024 · ShutterSense report</title>" in page


@pytest.mark.parametrize(
    ("path", "name", "shown"),
    [
        ("/photos/2024", "Wedding archive", "Wedding archive"),
        ("/photos/2024/", "", "2024"),
        ("C:\\Users\\ana\\Pictures", "", "Pictures"),
        ("/", "", "/"),
    ],
)
def test_header_names_the_collection(path: str, name: str, shown: str) -> None:
    collection = CollectionSummary(path=path, name=name, total_files=1, total_size=1)
    page = render_report(f.document(collection=collection))
    assert f"<h1>{shown}</h1>" in page


def test_header_has_no_pipeline_without_validation() -> None:
    page = render_report(f.document(f.photostats(), f.pairing()))
    assert "<dt>Pipeline</dt>" not in page
    unversioned = f.validation(pipeline_version=None)
    assert "<dd>Standard RAW workflow</dd>" in render_report(f.document(unversioned))


def test_lists_are_closed_on_screen_and_expanded_in_print() -> None:
    page = render_report(full_document())
    assert page.count("<details>") >= 5
    assert page.count("<details open>") == 1  # the two paths followed: a short table
    assert "@media print" in page
    assert "details::details-content { content-visibility: visible; display: block; }" in page


# --- capped lists -------------------------------------------------------------------------------


def test_every_list_of_a_big_finding_is_capped_with_a_pointer_to_the_full_list() -> None:
    # Every other counter, so no two names run on.
    orphans = f.files(*(f"2024/IMG_{2 * i:05d}.CR3" for i in range(MAX_NAMES + 5)))
    page = render_report(f.document(f.photostats(orphaned_images=orphans)))
    assert "<li>IMG_00398.CR3</li>" in page
    assert "IMG_00400.CR3" not in page
    line = (
        "… and 5 more images not listed: the full list is in the JSON output (--json) or the "
        "CSV export."
    )
    assert page.count(line) == 2  # What to fix and the PhotoStats section


def test_a_run_of_numbered_names_is_one_entry_and_counts_every_name() -> None:
    # 1,000 names in a row, then 300 scattered ones: the run takes one line of the 200.
    names = [f"2024/AB3D{n:04d}.CR3" for n in range(1000)]
    names += [f"2024/XY7Z{2 * n:04d}.CR3" for n in range(300)]
    page = render_report(f.document(f.photostats(orphaned_images=f.files(*names))))
    assert (
        '<li class="run">AB3D0000.CR3 … AB3D0999.CR3 <span class="sub">(1,000)</span></li>' in page
    )
    assert '<span class="path">2024</span> <span class="count">1,300 images</span>' in page
    assert "<li>XY7Z0396.CR3</li>" in page  # the 199th entry
    assert "XY7Z0398.CR3" not in page
    assert '<li class="more">… 101 more</li>' in page
    assert "… and 101 more images not listed" in page


def test_big_tables_are_capped_too() -> None:
    issues = [ScanIssue(path=f"locked/{i:04d}", reason="permission denied") for i in range(260)]
    page = render_report(f.document(f.photostats(), scan_issues=issues))
    assert page.count("<td>permission denied</td>") == MAX_NAMES
    assert "… and 60 more paths not listed: the full list is in the JSON output" in page


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
