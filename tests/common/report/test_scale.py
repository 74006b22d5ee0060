"""The report of a 1,000,000-file collection stays small and readable: every long list is
capped, and each cap says how much it left out and where all of it is.

Its size and render time are recorded in docs/performance.md ("The report at a million files"),
measured with `python -m tests.common.report.million`.
"""

from __future__ import annotations

import re

import pytest

from shuttersense.common.folders import names_by_folder
from shuttersense.common.name_runs import count_names
from shuttersense.common.report import render_report
from shuttersense.common.report.html import FULL_LIST, MAX_FOLDERS, MAX_NAMES
from shuttersense.common.results import AnalysisDocument, FolderNames, Status
from tests.common.report.million import ISSUE_IMAGES, million_file_document
from tests.common.report.pages import parse

EXAMPLES_ONLY = "the results keep only a few examples of these"


@pytest.fixture(scope="module")
def document() -> AnalysisDocument:
    return million_file_document()


@pytest.fixture(scope="module")
def page(document: AnalysisDocument) -> str:
    return render_report(document)


def _line(hidden: int, noun: str, folders: int = 0, where: str = FULL_LIST) -> str:
    text = f"… and {hidden:,} more {noun} not listed"
    if folders:
        text += f", {folders:,} more folders not shown"
    return f"{text}: {where}."


def _folder_line(total: int, by_folder: FolderNames, noun: str, where: str = FULL_LIST) -> str:
    """The cap line of a folder list: MAX_NAMES entries (a run of names is one) from the
    first MAX_FOLDERS folders."""
    budget, listed = MAX_NAMES, 0
    for entries in list(by_folder.values())[:MAX_FOLDERS]:
        shown = entries[:budget]
        budget -= len(shown)
        listed += count_names(shown)
    return _line(total - listed, noun, max(len(by_folder) - MAX_FOLDERS, 0), where)


def test_the_document_is_a_million_files(document: AnalysisDocument) -> None:
    assert document.collection.total_files == 1_000_000
    validation = document.results["pipeline_validation"]
    assert sum(issue.image_count for issue in validation.issues) == ISSUE_IMAGES == 450_000
    assert len({f for issue in validation.issues for f in issue.images}) == 2_000


def test_the_report_is_small_and_well_formed(page: str) -> None:
    assert len(page.encode("utf-8")) < 1_000_000
    parser = parse(page)
    assert parser.problems == []
    assert parser.stack == []


def test_every_validation_issue_is_capped(document: AnalysisDocument, page: str) -> None:
    validation = document.results["pipeline_validation"]
    for issue in validation.issues:
        line = _folder_line(issue.image_count, issue.images, "images")
        assert ", 1,950 more folders not shown" in line
        # Partial and inconsistent issues are in What to fix and in the section; warnings only
        # in the section.
        assert page.count(line) == (1 if issue.status is Status.CONSISTENT_WITH_WARNING else 2)


def test_every_other_list_is_capped(document: AnalysisDocument, page: str) -> None:
    stats = document.results["photostats"]
    pairing = document.results["photo_pairing"]
    for files, noun in ((stats.orphaned_images, "images"), (stats.orphaned_sidecars, "sidecars")):
        assert page.count(_folder_line(files.count, files.by_folder, noun)) == 2
    for group in pairing.invalid_names:
        line = _folder_line(group.count, group.by_folder, "file names")
        assert line in page
        assert _folder_line(group.count, group.by_folder, "files") in page  # the section
    assert _line(11_995, "files", where=EXAMPLES_ONLY) in page  # .mov: examples only
    assert _line(795, "files", where=EXAMPLES_ONLY) in page  # .txt
    assert _line(19, "files", where=EXAMPLES_ONLY) in page  # no extension
    unreadable = names_by_folder(item.path for item in stats.invalid_xmp)
    assert _folder_line(250, unreadable, "sidecars") in page  # What to fix
    assert _line(50, "sidecars") in page  # the table in PhotoStats
    unread = names_by_folder(issue.path for issue in document.scan_issues)
    assert _folder_line(300, unread, "paths") in page
    assert _line(100, "paths") in page
    sets = {" + ".join(found.folders): found.names for found in pairing.name_collisions}
    where = "the results list the 200 largest of 260 sets of folders"
    line = _folder_line(519, sets, "names", where)
    assert ", 150 more folders not shown" in line
    assert page.count(line) == 2  # What to fix and the Photo Pairing section


def test_nothing_else_is_left_out_silently(page: str) -> None:
    more_lines = re.findall(r'<p class="more">([^<]*)</p>', page)
    # 9 for the validation issues, 4 orphans, 6 invalid names, 3 not analysed, 2 unreadable
    # sidecars, 2 scan issues, 2 name collisions.
    assert len(more_lines) == 28
    ends = (f"{FULL_LIST}.", f"{EXAMPLES_ONLY}.", "sets of folders.")
    assert all(line.endswith(ends) for line in more_lines), more_lines
    assert page.count("<li") < 30 * (MAX_NAMES + MAX_FOLDERS + 1)


def test_what_to_fix_ranks_the_biggest_first(page: str) -> None:
    section = page[page.index('id="fix"') : page.index('id="tool-')]
    counts = [int(n.replace(",", "")) for n in re.findall(r'action-count">([\d,]+)<', section)]
    assert counts == sorted(counts, reverse=True)
    assert counts[:3] == [180_000, 90_000, 40_000]
