"""Analysis documents built straight from the result schemas (version 2), with overridable
defaults."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shuttersense.common.folders import names_by_folder
from shuttersense.common.name_runs import compact
from shuttersense.common.results import (
    AnalysisDocument,
    CollectionSummary,
    FilesByFolder,
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
    ToolResult,
    ValidationIssue,
)

# A file name that is hostile in every HTML context: element, attribute and quoted text.
NASTY = """<script>alert(1)</script> "quotes" & 'apos'"""
NASTY_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &quot;quotes&quot; &amp; &#x27;apos&#x27;"

CONVENTION = (
    "ShutterSense names (a 4-character camera ID and a 4-digit counter: AB3D0001.CR3); for names "
    "as cameras write them (IMG_1234.JPG), set filename_convention in the team config "
    "(--config FILE) to camera_defaults"
)


def files(*paths: str) -> FilesByFolder:
    """Files of one finding from their relative paths."""
    return FilesByFolder(count=len(paths), by_folder=names_by_folder(paths))


def photostats(**overrides: Any) -> PhotoStatsResult:
    fields: dict[str, Any] = {
        "total_files": 7,
        "total_size": 150 * 1024 * 1024,
        "file_counts": {".cr3": 3, ".dng": 2, ".xmp": 2},
        "storage_by_type": {".cr3": 90 * 1024 * 1024, ".dng": 60 * 1024 * 1024, ".xmp": 4096},
        "metadata_extensions": [".xmp"],
        "paired_count": 2,
        "orphaned_images": files("2024/AB3D0003.CR3"),
        "orphaned_sidecars": files(),
        "scan_time": 0.12,
    }
    return PhotoStatsResult(**(fields | overrides))


def invalid(reason: str, *paths: str) -> InvalidNames:
    return InvalidNames(reason=reason, count=len(paths), by_folder=names_by_folder(paths))


def not_analysed(*examples: str, count: int | None = None, size: int = 100) -> NotAnalysed:
    return NotAnalysed(
        count=len(examples) if count is None else count, size=size, examples=list(examples)
    )


def collisions(folders: list[str], *names: str) -> NameCollisions:
    """Names found in each of `folders`."""
    return NameCollisions(folders=folders, count=len(names), names=compact(names))


def pairing(**overrides: Any) -> PhotoPairingResult:
    groups = overrides.get("invalid_names", [invalid("no camera ID", "misc/holiday.jpg")])
    sets = overrides.get("name_collisions", [])
    fields: dict[str, Any] = {
        "filename_convention": CONVENTION,
        "group_count": 3,
        "image_count": 4,
        "file_count": 6,
        "camera_usage": {"Canon EOS R5": 3, "AB3D": 1},
        "method_usage": {"HDR": 2, "DxO": 1},
        "cameras": {"AB3D": {}},
        "invalid_file_count": sum(group.count for group in groups),
        "invalid_names": groups,
        "name_collision_count": sum(found.count for found in sets),
        "name_collision_sets": len(sets),
        "scan_time": 0.05,
    }
    return PhotoPairingResult(**(fields | overrides))


def pattern(
    status: Status = Status.PARTIAL,
    termination: str | None = "Black Box Archive",
    **overrides: Any,
) -> TerminationPattern:
    fields: dict[str, Any] = {
        "termination": termination,
        "status": status,
        "expected": [".CR3", ".xmp"],
        "missing": [".xmp"] if status is Status.PARTIAL else [],
        "extra": [],
        "completion": 50.0 if status is Status.PARTIAL else 100.0,
    }
    return TerminationPattern(**(fields | overrides))


def issue(
    status: Status = Status.PARTIAL,
    termination: str | None = "Black Box Archive",
    *,
    images: dict[str, list[str]] | None = None,
    also: Sequence[TerminationPattern] = (),
    **overrides: Any,
) -> ValidationIssue:
    """An issue whose first pattern is `status` for `termination` (`overrides` its fields),
    followed by the patterns `also` for other terminations."""
    images = {"2024": ["AB3D0002"]} if images is None else images
    patterns = [pattern(status, termination, **overrides), *also]
    return ValidationIssue(
        status=max((p.status for p in patterns), key=lambda s: s.severity),
        patterns=patterns,
        image_count=sum(map(len, images.values())),
        images=images,
    )


def validation(**overrides: Any) -> PipelineValidationResult:
    fields: dict[str, Any] = {
        "pipeline_name": "Standard RAW workflow",
        "pipeline_guid": "pip_01hgw2bbg0000000000000001",
        "pipeline_version": 3,
        "total_files": 9,
        "total_images": 4,
        "total_groups": 4,
        "invalid_files_count": 0,
        "status_counts": {
            "consistent": 2,
            "consistent_with_warning": 0,
            "partial": 1,
            "inconsistent": 1,
        },
        "overall_status": {"CONSISTENT": 2, "PARTIAL": 1, "INCONSISTENT": 1},
        "by_termination": {
            "Black Box Archive": {"CONSISTENT": 2, "PARTIAL": 1, "INCONSISTENT": 1},
            "Browsable Archive": {"CONSISTENT": 0, "PARTIAL": 0, "INCONSISTENT": 0},
        },
        "archival_ready_count": 2,
        "path_stats": [
            PathStat(
                path=["capture", "raw", "xmp", "archive"],
                names=["Camera", "RAW file", "XMP sidecar", "Archive"],
                image_count=3,
            ),
            PathStat(
                path=["capture", "raw", "archive"],
                names=["Camera", "RAW file", "Archive"],
                image_count=1,
            ),
        ],
        "issues": [
            issue(Status.PARTIAL),
            issue(
                Status.INCONSISTENT,
                missing=[".CR3", ".xmp"],
                extra=["-HDR.jpg"],
                completion=0.0,
                images={"2024": ["AB3D0003-2"]},
            ),
        ],
        "scan_time": 0.2,
    }
    return PipelineValidationResult(**(fields | overrides))


def document(
    *results: ToolResult,
    skipped: dict[str, str] | None = None,
    scan_issues: list[ScanIssue] | None = None,
    **overrides: Any,
) -> AnalysisDocument:
    """A run of the given results (PhotoStats, Photo Pairing and Validation when none given)."""
    if not results:
        results = (photostats(), pairing(), validation())
    fields: dict[str, Any] = {
        "generator": "shuttersense 0.1.0",
        "generated_at": "2025-11-25T12:31:05+00:00",
        "collection": CollectionSummary(path="/photos/2024", total_files=9, total_size=157290496),
        "input_state_hash": "3f1a9c0e5b7d2468ace013579bdf0246813579bdf02468ace013579bdf024681",
        "tool_hashes": {result.tool.value: "ab" * 32 for result in results},
        "results": {result.tool.value: result for result in results},
        "skipped": skipped or {},
        "scan_issues": scan_issues or [],
        "scan_time": 0.4,
    }
    return AnalysisDocument(**(fields | overrides))


# A name as long as names get, with nowhere to break a line, hostile in HTML (and without the
# "/" a file name cannot hold).
LONG_NAME = (
    "Wedding_of_Alexandra_and_Maximilian_at_the_Chateau_de_Montmirail_2024_" * 2
    + '"><img_src=x_onerror=alert(2)>'
)


def long_names_document() -> AnalysisDocument:
    """A run of the three tools in which every name is a LONG_NAME: collection, folders, files,
    file types, cameras, methods, pipeline and its steps, terminations, scan issues."""
    folder = f"2024/{LONG_NAME}/{LONG_NAME}"
    raw = f"{folder}/AB3D0001-{LONG_NAME}.CR3"
    kind = "." + LONG_NAME.lower()
    stats = photostats(
        file_counts={".cr3": 3, ".xmp": 2, kind: 2},
        storage_by_type={".cr3": 90 * 1024 * 1024, ".xmp": 4096, kind: 1000},
        orphaned_images=files(raw, f"{folder}/AB3D0002.CR3"),
        orphaned_sidecars=files(f"{folder}/{LONG_NAME}.xmp"),
    )
    names = pairing(
        invalid_names=[invalid(f"no camera ID: {LONG_NAME}", raw, f"misc/{LONG_NAME}.jpg")],
        camera_usage={f"Canon EOS R5 {LONG_NAME}": 3, "AB3D": 1},
        method_usage={LONG_NAME: 2, "DxO": 1},
        name_collisions=[collisions([folder, f"2023/{LONG_NAME}"], "AB3D0001", "AB3D0002")],
    )
    termination = f"Archive {LONG_NAME}"
    checked = validation(
        pipeline_name=f"Pipeline {LONG_NAME}",
        by_termination={termination: {"CONSISTENT": 2, "PARTIAL": 1, "INCONSISTENT": 1}},
        path_stats=[
            PathStat(
                path=["capture", "raw", "archive"],
                names=["Camera", f"RAW {LONG_NAME}", termination],
                image_count=4,
            )
        ],
        issues=[
            issue(
                Status.PARTIAL,
                termination,
                images={folder: [f"AB3D0002{LONG_NAME}"]},
                expected=[".CR3", f"-{LONG_NAME}.TIF"],
                missing=[f"-{LONG_NAME}.TIF"],
            )
        ],
    )
    return document(
        stats,
        names,
        checked,
        collection=CollectionSummary(
            path=f"/Volumes/{LONG_NAME}/{folder}",
            name=f"Collection {LONG_NAME}",
            total_files=9,
            total_size=157290496,
        ),
        skipped={"photo_pairing_extra": f"not run: {LONG_NAME}"},
        scan_issues=[ScanIssue(path=raw, reason=f"unreadable: {LONG_NAME}")],
    )
