"""What to fix, from a result grouped as schema 3: runs of names as "first … last (n)", and a
result with 10,000 invalid names that do not run as a Qt model of 10,000 rows (count, data,
sorting) in a view that scrolls through them without a widget per row."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from shuttersense.common.folders import names_by_folder
from shuttersense.common.results import (
    FilesByFolder,
    InvalidNames,
    PhotoPairingResult,
    PhotoStatsResult,
    PipelineValidationResult,
    Status,
    TerminationPattern,
    ValidationIssue,
)
from shuttersense.desktop.app.api.collections_data import CollectionDetail, TrendLine
from shuttersense.desktop.app.api.findings import findings, item_text
from shuttersense.desktop.app.settings import AppSettings
from shuttersense.desktop.app.widgets.collection_detail import CollectionDetailPane

INVALID = 10_000


def pairing(invalid: InvalidNames) -> PhotoPairingResult:
    return PhotoPairingResult(
        group_count=0,
        image_count=0,
        file_count=invalid.count,
        camera_usage={},
        method_usage={},
        cameras={},
        invalid_file_count=invalid.count,
        invalid_names=[invalid],
    )


def scattered() -> InvalidNames:
    """10,000 names in 20 folders, every other number: no run among them."""
    paths = [f"2024/shoot-{i % 20:02d}/holiday {i * 2:06d}.jpg" for i in range(INVALID)]
    return InvalidNames(reason="no camera ID", count=INVALID, by_folder=names_by_folder(paths))


def test_runs_of_names_read_first_to_last() -> None:
    assert item_text(("AB3D0001", "AB3D0420")) == ("AB3D0001 … AB3D0420 (420)", 420)
    assert item_text("IMG_1.JPG") == ("IMG_1.JPG", 1)
    orphans = FilesByFolder(
        count=423,
        by_folder={"": ["notes.xmp"], "2024/Wedding": [("AB3D0001.CR3", "AB3D0420.CR3"), "x.CR3"]},
    )
    stats = PhotoStatsResult(
        total_files=500,
        total_size=1,
        file_counts={},
        storage_by_type={},
        metadata_extensions=[".xmp"],
        paired_count=0,
        orphaned_images=orphans,
        orphaned_sidecars=FilesByFolder(),
    )
    rows = findings([stats])
    assert [(r.what, r.folder, r.names, r.count) for r in rows] == [
        ("image without its sidecar", "(top of the collection)", "notes.xmp", 1),
        ("image without its sidecar", "2024/Wedding", "AB3D0001.CR3 … AB3D0420.CR3 (420)", 420),
        ("image without its sidecar", "2024/Wedding", "x.CR3", 1),
    ]


def _pattern(
    term: str | None, status: Status, missing: list[str], extra: list[str]
) -> TerminationPattern:
    return TerminationPattern(
        termination=term, status=status, expected=[], missing=missing, extra=extra, completion=0.0
    )


def test_a_validation_issue_reads_what_is_wrong_for_each_termination() -> None:
    both = ValidationIssue(
        status=Status.PARTIAL,
        patterns=[
            _pattern("Black Box Archive", Status.PARTIAL, [".TIF"], []),
            _pattern("Browsable Archive", Status.CONSISTENT_WITH_WARNING, [], [".jpg"]),
        ],
        image_count=3,
        images={"2024": [("AB3D0001", "AB3D0003")]},
    )
    nowhere = ValidationIssue(
        status=Status.INCONSISTENT,
        patterns=[_pattern(None, Status.INCONSISTENT, [], [])],
        image_count=1,
        images={"": ["AB3D0009"]},
    )
    result = PipelineValidationResult(
        pipeline_name="Two archives",
        total_files=4,
        total_images=4,
        total_groups=4,
        invalid_files_count=0,
        status_counts={"partial": 3, "inconsistent": 1},
        overall_status={"CONSISTENT": 0, "PARTIAL": 3, "INCONSISTENT": 1},
        by_termination={},
        archival_ready_count=0,
        path_stats=[],
        issues=[both, nowhere],
    )
    rows = [(row.what, row.folder, row.names, row.count) for row in findings([result])]
    assert rows == [
        (
            "partial: missing .TIF for Black Box Archive; extra .jpg for Browsable Archive",
            "2024",
            "AB3D0001 … AB3D0003 (3)",
            3,
        ),
        ("inconsistent: fit no path of the pipeline", "(top of the collection)", "AB3D0009", 1),
    ]


def _validation(*issues: ValidationIssue) -> PipelineValidationResult:
    return PipelineValidationResult(
        pipeline_name="Two archives",
        total_files=0,
        total_images=0,
        total_groups=0,
        invalid_files_count=0,
        status_counts={},
        overall_status={},
        by_termination={},
        archival_ready_count=0,
        path_stats=[],
        issues=list(issues),
    )


def test_the_biggest_problem_comes_first_and_warnings_last(
    qtbot: QtBot, app_settings: AppSettings
) -> None:
    extra = ValidationIssue(
        status=Status.CONSISTENT_WITH_WARNING,
        patterns=[_pattern("Archive", Status.CONSISTENT_WITH_WARNING, [], ["-Topaz.TIF"])],
        image_count=900,
        images={"2024": [("AB3D0001", "AB3D0900")]},
    )
    missing = ValidationIssue(
        status=Status.PARTIAL,
        patterns=[_pattern("Archive", Status.PARTIAL, [".DNG"], [])],
        image_count=40,
        images={"2024": [("AB3D1001", "AB3D1020")], "2025": [("AB3D2001", "AB3D2020")]},
    )
    invalid = InvalidNames(
        reason="no camera ID", count=25, by_folder={"x": [("a001.jpg", "a025.jpg")]}
    )
    rows = findings([pairing(invalid), _validation(extra, missing)])
    assert [(row.what, row.folder, row.count) for row in rows] == [
        ("partial: missing .DNG for Archive", "2024", 20),  # 40 images in all: first
        ("partial: missing .DNG for Archive", "2025", 20),
        ("invalid name: no camera ID", "x", 25),
        ("warning: extra -Topaz.TIF for Archive", "2024", 900),  # nothing missing: last
    ]

    pane = CollectionDetailPane(app_settings)  # shown ranked, until the user sorts
    qtbot.addWidget(pane)
    empty = TrendLine("", "", ())
    pane.show_detail(pane.prepare(CollectionDetail("col_1", (), rows, (empty,) * 3)))
    model = pane.findings_model
    assert [model.row(i) for i in range(model.rowCount())] == rows
    assert pane.what_to_fix.table.horizontalHeader().sortIndicatorSection() == -1


def test_ten_thousand_invalid_names_scroll_in_a_model(
    qtbot: QtBot, app_settings: AppSettings
) -> None:
    pane = CollectionDetailPane(app_settings)
    qtbot.addWidget(pane)
    pane.resize(1000, 600)
    pane.show()
    pane.tabs.setCurrentIndex(1)
    empty = TrendLine("", "", ())
    detail = CollectionDetail("col_1", (), findings([pairing(scattered())]), (empty,) * 3)
    pane.loading("Holidays")
    pane.show_detail(pane.prepare(detail))
    model = pane.findings_model
    assert model.rowCount() == INVALID
    assert pane.total.text() == "10,000 files or images in 10,000 rows"
    first = [model.index(0, column).data() for column in range(5)]
    assert first == [
        "Photo Pairing",
        "invalid name: no camera ID",
        "2024/shoot-00",
        "holiday 000000.jpg",
        "1",
    ]

    table = pane.what_to_fix.table
    table.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # by name, as a click on the header
    assert model.index(0, 3).data() == "holiday 019998.jpg"
    assert model.index(INVALID - 1, 3).data() == "holiday 000000.jpg"
    table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    assert model.index(INVALID - 1, 2).data() == "2024/shoot-19"

    widgets_before = len(pane.findChildren(QWidget))
    bar = table.verticalScrollBar()
    for value in range(0, bar.maximum() + 1, max(1, bar.pageStep())):
        bar.setValue(value)
        table.viewport().repaint()  # draw each page, as scrolling does
    assert bar.value() > 0 and table.rowAt(0) > INVALID // 2
    assert len(pane.findChildren(QWidget)) == widgets_before  # nothing made per row
    assert table.indexWidget(model.index(table.rowAt(0), 3)) is None


def test_a_new_result_keeps_the_sort(qtbot: QtBot, app_settings: AppSettings) -> None:
    pane = CollectionDetailPane(app_settings)
    qtbot.addWidget(pane)
    table = pane.what_to_fix.table
    table.sortByColumn(4, Qt.SortOrder.DescendingOrder)  # most files first
    invalid = InvalidNames(
        reason="no camera ID",
        count=6,
        by_folder={"a": ["one.jpg"], "b": [("x001.jpg", "x005.jpg")]},
    )
    empty = TrendLine("", "", ())
    detail = CollectionDetail("col_1", (), findings([pairing(invalid)]), (empty,) * 3)
    pane.show_detail(pane.prepare(detail))
    assert [pane.findings_model.row(i).count for i in range(2)] == [5, 1]
