"""A version-2 analysis document of a 1,000,000-file collection, built without scanning.

2,000 event folders; 450,000 images in five Pipeline Validation issues spread over all of them,
10,000 orphaned images, 2,000 orphaned sidecars, 5,000 invalid names under three reasons, 519
names found in 260 sets of folders, unreadable sidecars, files not analysed and scan issues:
what a large, neglected collection gives. Names are a camera's counters, so most of them come
in runs. Run `python -m tests.common.report.million` to print how big its report is and how
long it takes to render.
"""

from __future__ import annotations

import time
from itertools import cycle

from shuttersense.common.folders import names_by_folder
from shuttersense.common.name_runs import compact
from shuttersense.common.results import (
    AnalysisDocument,
    CollectionSummary,
    FilesByFolder,
    InvalidFile,
    InvalidNames,
    NameCollisions,
    NotAnalysed,
    PathStat,
    PhotoPairingResult,
    PhotoStatsResult,
    PipelineValidationResult,
    ScanIssue,
    Status,
    TerminationPattern,
    ValidationIssue,
)

__all__ = ["FOLDERS", "ISSUE_IMAGES", "million_file_document"]

TOTAL_FILES = 1_000_000
FOLDERS = [
    f"{2010 + i // 150}/{2010 + i // 150}-{i % 12 + 1:02d}/event {i:04d} {place}"
    for i, place in zip(range(2000), cycle(["Lyon", "Alps", "Studio", "Coast", "Paris"]))
]
_CAMERAS = ("AB3D", "XY7Z", "R6M2", "QK9P")
_BLACK_BOX = [".CR3", ".xmp", "-DxO.DNG"]
_BROWSABLE = [".CR3", ".xmp", "-DxO.DNG", "-DxO-Topaz.TIF"]
# ([(termination, status, expected, missing, extra)], images): each image in one issue
_ISSUES = [
    ([("Browsable Archive", Status.PARTIAL, _BROWSABLE, ["-DxO-Topaz.TIF"], [])], 180_000),
    ([("Black Box Archive", Status.CONSISTENT_WITH_WARNING, _BLACK_BOX, [], ["-DxO-Topaz.TIF"])],
     120_000),
    ([("Black Box Archive", Status.PARTIAL, _BLACK_BOX, ["-DxO.DNG"], []),
      ("Browsable Archive", Status.PARTIAL, _BROWSABLE, ["-DxO.DNG", "-DxO-Topaz.TIF"], [])],
     90_000),
    ([("Browsable Archive", Status.PARTIAL, [".CR3", ".jpg", ".xmp"], [".jpg", ".xmp"],
       ["-HDR.DNG"])], 40_000),
    ([(None, Status.INCONSISTENT, [], [], [])], 20_000),
]  # fmt: skip
ISSUE_IMAGES = sum(count for _, count in _ISSUES)


def _spread(count: int, folders: list[str], stem: str, suffix: str = "") -> list[str]:
    """`count` paths spread evenly over `folders`, named like a camera's files (one camera and
    its counter per folder, a separate image `-2` now and then)."""
    paths = []
    for n in range(count):
        camera = _CAMERAS[n % len(_CAMERAS)]
        counter = n // len(folders) % 10_000
        marker = "-2" if n % 17 == 0 else ""
        paths.append(f"{folders[n % len(folders)]}/{stem}{camera}{counter:04d}{marker}{suffix}")
    return paths


def _by_folder(paths: list[str]) -> FilesByFolder:
    return FilesByFolder(count=len(paths), by_folder=names_by_folder(paths))


def _photostats() -> PhotoStatsResult:
    counts = {".cr3": 300_000, ".xmp": 290_000, ".dng": 250_000, ".tif": 120_000, ".jpg": 27_000}
    sizes = {".cr3": 28_000_000, ".xmp": 12_000, ".dng": 60_000_000, ".tif": 95_000_000}
    sizes[".jpg"] = 4_000_000
    return PhotoStatsResult(
        total_files=sum(counts.values()),
        total_size=sum(counts[ext] * sizes[ext] for ext in counts),
        file_counts=counts,
        storage_by_type={ext: counts[ext] * sizes[ext] for ext in counts},
        metadata_extensions=[".xmp"],
        paired_count=289_000,
        orphaned_images=_by_folder(_spread(10_000, FOLDERS[:1500], "", ".CR3")),
        orphaned_sidecars=_by_folder(_spread(2_000, FOLDERS[500:900], "", ".xmp")),
        not_analysed={
            ".mov": NotAnalysed(
                count=12_000, size=12_000 * 900_000_000, examples=_spread(5, FOLDERS, "", ".MOV")
            ),
            ".txt": NotAnalysed(count=800, size=800 * 2_000, examples=_spread(5, FOLDERS, "notes")),
            "": NotAnalysed(count=20, size=20, examples=[".nomedia"]),
        },
        invalid_xmp=[
            InvalidFile(path=path, reason="not well-formed XML at line 1, column 0")
            for path in _spread(250, FOLDERS[::8], "", ".xmp")
        ],
        scan_time=41.0,
    )


def _pairing() -> PhotoPairingResult:
    reasons = [
        ("Filename does not match the naming convention", 3_500, "IMG_"),
        ("Properties after the counter must start with '-'", 1_000, "copy of "),
        ("Empty property name detected", 500, "x-"),
    ]
    invalid = []
    for reason, count, stem in reasons:
        paths = _spread(count, FOLDERS, stem, ".jpg")
        invalid.append(
            InvalidNames(reason=reason, count=len(paths), by_folder=names_by_folder(paths))
        )
    # 260 sets of two folders sharing 1 to 3 names; the analyzer lists the 200 largest.
    collisions = [
        NameCollisions(
            folders=[FOLDERS[n], FOLDERS[n + 1000]],
            count=n % 3 + 1,
            names=compact(f"AB3D{9000 + 2 * k:04d}.CR3" for k in range(n % 3 + 1)),
        )
        for n in range(260)
    ]
    collisions.sort(key=lambda found: -found.count)
    return PhotoPairingResult(
        filename_convention="ShutterSense names (a 4-character camera ID and a 4-digit counter: "
        "AB3D0001.CR3); for names as cameras write them (IMG_1234.JPG), set "
        "filename_convention in the team config (--config FILE) to camera_defaults",
        group_count=560_000,
        image_count=600_000,
        file_count=987_000,
        camera_usage={"Canon EOS R5": 250_000, "Sony A7 IV": 200_000, "Canon EOS R6 II": 150_000},
        method_usage={"DxO PureRAW": 250_000, "Topaz Sharpen AI": 120_000, "HDR merge": 8_000},
        cameras={camera: {} for camera in _CAMERAS},
        invalid_file_count=sum(count for _, count, _ in reasons),
        invalid_names=invalid,
        name_collision_count=sum(found.count for found in collisions),
        name_collision_sets=len(collisions),
        name_collisions=collisions[:200],
        scan_time=3.2,
    )


def _validation() -> PipelineValidationResult:
    issues = []
    for patterns, count in _ISSUES:
        issues.append(
            ValidationIssue(
                status=max((status for _, status, *_ in patterns), key=lambda s: s.severity),
                patterns=[
                    TerminationPattern(
                        termination=termination,
                        status=status,
                        expected=expected,
                        missing=missing,
                        extra=extra,
                        completion=100.0 * (len(expected) - len(missing)) / (len(expected) or 1),
                    )
                    for termination, status, expected, missing, extra in patterns
                ],
                image_count=count,
                images=names_by_folder(_spread(count, FOLDERS, "")),
            )
        )
    paths = [
        PathStat(
            path=["capture", "raw", "xmp", "pair", "dxo", "dng", f"end{n}"],
            names=["Camera", "RAW", "XMP", "RAW + XMP", "DxO PureRAW", "DNG", f"Archive {n}"],
            image_count=600_000 // (n + 2),
        )
        for n in range(40)
    ]
    return PipelineValidationResult(
        pipeline_name="Studio RAW workflow",
        pipeline_guid="pip_01hgw2bbg0000000000000001",
        pipeline_version=7,
        total_files=TOTAL_FILES,
        total_images=600_000,
        total_groups=560_000,
        invalid_files_count=5_000,
        status_counts={
            "consistent": 290_000,
            "consistent_with_warning": 120_000,
            "partial": 170_000,
            "inconsistent": 20_000,
        },
        overall_status={"CONSISTENT": 410_000, "PARTIAL": 170_000, "INCONSISTENT": 20_000},
        by_termination={
            "Black Box Archive": {"CONSISTENT": 490_000, "PARTIAL": 90_000, "INCONSISTENT": 20_000},
            "Browsable Archive": {
                "CONSISTENT": 360_000,
                "PARTIAL": 220_000,
                "INCONSISTENT": 20_000,
            },
        },
        archival_ready_count=490_000,
        path_stats=paths,
        issues=issues,
        scan_time=9.5,
    )


def million_file_document() -> AnalysisDocument:
    photostats, pairing, validation = _photostats(), _pairing(), _validation()
    return AnalysisDocument(
        generator="shuttersense 0.1.0",
        generated_at="2026-11-30T09:15:00+00:00",
        collection=CollectionSummary(
            path="/Volumes/Archive/Photos", name="Studio archive", total_files=TOTAL_FILES,
            total_size=photostats.total_size,
        ),
        input_state_hash="5e" * 32,
        tool_hashes={tool: "7c" * 32 for tool in ("photostats", "photo_pairing")},
        results={
            "photostats": photostats,
            "photo_pairing": pairing,
            "pipeline_validation": validation,
        },
        scan_issues=[
            ScanIssue(path=f"{FOLDERS[n]}/private", reason="permission denied") for n in range(300)
        ],
        scan_time=48.0,
    )  # fmt: skip


if __name__ == "__main__":
    from shuttersense.common.report import render_report

    started = time.perf_counter()
    document = million_file_document()
    built = time.perf_counter()
    page = render_report(document)
    rendered = time.perf_counter()
    print(f"document built in {built - started:.2f} s")
    print(f"report rendered in {rendered - built:.2f} s: {len(page.encode()):,} bytes")
