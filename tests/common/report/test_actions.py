"""What to fix: one action per actionable finding, ranked by how much it concerns."""

from __future__ import annotations

import re

from shuttersense.common.report import render_report
from shuttersense.common.report.actions import collect_actions
from shuttersense.common.results import (
    AnalysisDocument,
    InvalidFile,
    ScanIssue,
    Status,
)
from tests.common.report import factories as f


def _busy_document() -> AnalysisDocument:
    """Every kind of finding, each with a different count."""
    return f.document(
        f.photostats(
            orphaned_images=f.files(*(f"2024/AB3D{i:04d}.CR3" for i in range(5))),
            orphaned_sidecars=f.files("2024/AB3D0900.xmp", "2023/AB3D0901.xmp"),
            invalid_xmp=[InvalidFile(path="2024/AB3D0001.xmp", reason="not well-formed")],
            not_analysed={
                ".mov": f.not_analysed("2024/clip.MOV", count=12),
                "": f.not_analysed(".nomedia"),
            },
        ),
        f.pairing(
            invalid_names=[
                f.invalid("no camera ID", "misc/a.jpg", "misc/b.jpg", "misc/c.jpg"),
                f.invalid("empty property", "misc/AB3D0001--x.jpg"),
            ],
            name_collisions=[f.collisions(["2023", "2024"], "AB3D0007.CR3", "AB3D0009.CR3")],
        ),
        f.validation(
            issues=[
                f.issue(
                    Status.PARTIAL,
                    images={"2024": [f"AB3D{i:04d}" for i in range(10)]},
                    also=[f.pattern(Status.PARTIAL, "Browsable Archive", missing=["-DxO.DNG"])],
                ),
                f.issue(
                    Status.CONSISTENT_WITH_WARNING,
                    missing=[],
                    extra=[".jpg"],
                    images={"2024": [f"AB3D{i:04d}" for i in range(7)]},
                ),
                f.issue(
                    Status.INCONSISTENT, None, expected=[], missing=[], images={"x": ["XY7Z0001"]}
                ),
            ],
            status_counts={"consistent": 2, "consistent_with_warning": 7, "partial": 10},
        ),
        scan_issues=[
            ScanIssue(path="2024/locked", reason="permission denied"),
            ScanIssue(path="2024/loop", reason="link leads out of the collection"),
            ScanIssue(path="old", reason="permission denied"),
            ScanIssue(path="old/x", reason="permission denied"),
        ],
    )


def _summaries(page: str) -> list[str]:
    """The text of each action's summary in the What to fix section, in order."""
    section = page[page.index('id="fix"') : page.index('id="tool-')]
    found = re.findall(r"<summary>(.*?)</summary>", section)
    return [re.sub(r"<[^>]+>", "", text) for text in found]


def test_actions_are_ranked_by_count_then_tool() -> None:
    assert _summaries(render_report(_busy_document())) == [
        "12 files with extension .mov not analysedPhotoStats",
        "Partial10 images missing .xmp for Black Box Archive; missing -DxO.DNG for Browsable "
        "ArchivePipeline Validation",
        "5 images without the sidecar it needsPhotoStats",
        "4 paths the scan could not read or would not followScan",
        "3 file names rejected: no camera IDPhoto Pairing",
        "2 sidecars without their imagePhotoStats",
        "2 names found in several foldersPhoto Pairing",
        "1 sidecar that could not be readPhotoStats",
        "1 file without an extension, not analysedPhotoStats",
        "1 file name rejected: empty propertyPhoto Pairing",
        "Inconsistent1 image that fit no path of the pipelinePipeline Validation",
    ]


def test_warnings_are_not_actions_but_are_mentioned() -> None:
    document = _busy_document()
    statuses = [action.badge for action in collect_actions(document) if action.badge]
    assert len(statuses) == 2
    assert all("warnings" not in badge for badge in statuses)
    assert "Not listed: 7 images with every expected file and some extra ones" in render_report(
        document
    )


def test_each_action_is_closed_and_lists_its_files_by_folder() -> None:
    page = render_report(_busy_document())
    section = page[page.index('id="fix"') : page.index('id="tool-')]
    assert section.count("<details>") == 11
    assert "<details open" not in section
    collisions = section[section.index("found in several folders") :]
    assert '<span class="path">2023 + 2024</span> <span class="count">2 names</span>' in collisions
    assert "<li>AB3D0007.CR3</li><li>AB3D0009.CR3</li>" in collisions
    scan = section[section.index("the scan could not read") :]
    assert '<span class="path">old</span> <span class="count">1 path</span>' in scan
    assert '<li>x <span class="sub">(permission denied)</span></li>' in scan


def test_actions_say_what_to_do() -> None:
    page = render_report(_busy_document())
    section = page[page.index('id="fix"') : page.index('id="tool-')]
    assert "remove the extension from require_sidecar in the team config (--config FILE)" in section
    assert "If they are photos, add .mov to photo_extensions in the team config" in section
    assert "Names are read as ShutterSense names (a 4-character camera ID" in section
    assert (
        "set filename_convention in the team config (--config FILE) to camera_defaults" in section
    )
    assert "give a second camera its own camera ID" in section
    assert "then run the analysis again" in section
    # Not-analysed files are only examples: the cap line says so instead of pointing at JSON.
    assert "… and 11 more files not listed: the results keep only a few examples" in section


def test_without_a_convention_the_invalid_name_advice_still_reads() -> None:
    page = render_report(f.document(f.pairing(filename_convention="")))
    assert "Names are read as" not in page
    assert "Rename these files to follow the convention" in page


def test_nothing_to_fix() -> None:
    clean = f.document(
        f.photostats(orphaned_images=f.files(), invalid_xmp=[]),
        f.pairing(invalid_names=[]),
        f.validation(issues=[]),
    )
    assert collect_actions(clean) == []
    page = render_report(clean)
    assert "Nothing to fix: no tool found a problem." in page
    assert "Not listed:" not in page


def test_nothing_checked() -> None:
    page = render_report(f.document(f.photostats(), results={}, skipped={"photostats": "x"}))
    assert "Nothing was checked: no tool produced a result." in page


def test_what_to_fix_comes_right_after_the_header() -> None:
    page = render_report(_busy_document())
    assert page.index("</header>") < page.index('id="fix"') < page.index('id="tool-photostats"')
    assert '<a href="#fix">What to fix</a>' in page


def test_collisions_past_the_listed_sets_say_where_the_rest_is_not() -> None:
    result = f.pairing(
        name_collisions=[f.collisions(["2023", "2024"], "AB3D0007.CR3", "AB3D0009.CR3")],
        name_collision_count=500,
        name_collision_sets=300,
    )
    page = render_report(f.document(result))
    assert '<span class="action-count">500</span> names found in several folders' in page
    assert (
        "… and 498 more names not listed: the results list the 1 largest of 300 sets of folders."
        in page
    )
