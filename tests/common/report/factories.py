"""Analysis documents built straight from the result schemas, with overridable defaults."""

from __future__ import annotations

from typing import Any

from shuttersense.common.results import (
    AnalysisDocument,
    CollectionSummary,
    ImageValidation,
    InvalidFile,
    PathStat,
    PhotoPairingResult,
    PhotoStatsResult,
    PipelineValidationResult,
    ScanIssue,
    Status,
    TerminationMatch,
    ToolResult,
)

# A file name that is hostile in every HTML context: element, attribute and quoted text.
NASTY = """<script>alert(1)</script> "quotes" & 'apos'"""
NASTY_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &quot;quotes&quot; &amp; &#x27;apos&#x27;"


def photostats(**overrides: Any) -> PhotoStatsResult:
    fields: dict[str, Any] = {
        "total_files": 7,
        "total_size": 150 * 1024 * 1024,
        "file_counts": {".cr3": 3, ".dng": 2, ".xmp": 2},
        "storage_by_type": {".cr3": 90 * 1024 * 1024, ".dng": 60 * 1024 * 1024, ".xmp": 4096},
        "metadata_extensions": [".xmp"],
        "paired_count": 2,
        "orphaned_images": ["2024/AB3D0003.CR3"],
        "orphaned_xmp": [],
        "scan_time": 0.12,
    }
    return PhotoStatsResult(**(fields | overrides))


def pairing(**overrides: Any) -> PhotoPairingResult:
    fields: dict[str, Any] = {
        "group_count": 3,
        "image_count": 4,
        "file_count": 6,
        "camera_usage": {"Canon EOS R5": 3, "AB3D": 1},
        "method_usage": {"HDR": 2, "DxO": 1},
        "cameras": {"AB3D": {}},
        "invalid_files": [InvalidFile(path="misc/holiday.jpg", reason="no camera ID")],
        "scan_time": 0.05,
    }
    return PhotoPairingResult(**(fields | overrides))


def match(status: Status = Status.CONSISTENT, **overrides: Any) -> TerminationMatch:
    fields: dict[str, Any] = {
        "status": status,
        "expected": ["AB3D0001.CR3", "AB3D0001.xmp"],
        "missing": [],
        "extra": [],
        "completion": 100.0,
        "archival_ready": status in (Status.CONSISTENT, Status.CONSISTENT_WITH_WARNING),
    }
    return TerminationMatch(**(fields | overrides))


def image(
    base: str = "AB3D0001", status: Status = Status.PARTIAL, **overrides: Any
) -> ImageValidation:
    fields: dict[str, Any] = {
        "base_filename": base,
        "group_id": base[:8],
        "status": status,
        "archival_ready": False,
        "files": [f"2024/{base}.CR3"],
        "terminations": {
            "Black Box Archive": match(status, missing=[f"{base.lower()}.xmp"], completion=50.0)
        },
    }
    return ImageValidation(**(fields | overrides))


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
            PathStat(path=["capture", "raw", "xmp", "archive"], image_count=3),
            PathStat(path=["capture", "raw", "archive"], image_count=1),
        ],
        "images": [
            image("AB3D0002", Status.PARTIAL),
            image(
                "AB3D0003",
                Status.INCONSISTENT,
                terminations={
                    "Black Box Archive": match(
                        Status.INCONSISTENT,
                        missing=["ab3d0003.cr3", "ab3d0003.xmp"],
                        extra=["ab3d0003.jpg"],
                        completion=0.0,
                    )
                },
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
