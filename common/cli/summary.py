"""The few lines `shuttersense analyze` prints when it is done."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..report.format import format_size
from ..results import (
    AnalysisDocument,
    PhotoPairingResult,
    PhotoStatsResult,
    PipelineValidationResult,
)

__all__ = ["summary_lines"]


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def _photostats(result: PhotoStatsResult) -> str:
    text = (
        f"PhotoStats: {_plural(result.total_files, 'photo/sidecar file')}, "
        f"{format_size(result.total_size)}; "
        f"{_plural(result.orphaned_images.count, 'orphaned image')}, "
        f"{_plural(result.orphaned_sidecars.count, 'orphaned sidecar')}"
    )
    if result.invalid_xmp is not None:
        text += f", {_plural(len(result.invalid_xmp), 'unreadable sidecar')}"
    if result.not_analysed:
        count = sum(item.count for item in result.not_analysed.values())
        kinds = ", ".join(ext or "(no extension)" for ext in result.not_analysed)
        text += f"; {_plural(count, 'other file')} not analysed ({kinds})"
    return text


def _pairing(result: PhotoPairingResult) -> str:
    return (
        f"Photo Pairing: {_plural(result.group_count, 'group')}, "
        f"{_plural(result.image_count, 'image')}, {_plural(len(result.camera_usage), 'camera')}; "
        f"{_plural(result.invalid_file_count, 'invalid file name')}"
        + (
            f", {_plural(result.name_collision_count, 'name')} found in several folders"
            if result.name_collision_count
            else ""
        )
    )


def _validation(result: PipelineValidationResult) -> str:
    counts = result.status_counts
    consistent = counts.get("consistent", 0) + counts.get("consistent_with_warning", 0)
    return (
        f"Pipeline Validation ({result.pipeline_name}): "
        f"{_plural(result.total_images, 'image')}: {consistent:,} consistent, "
        f"{counts.get('partial', 0):,} partial, {counts.get('inconsistent', 0):,} inconsistent; "
        f"{result.archival_ready_count:,} archival ready"
    )


def summary_lines(
    document: AnalysisDocument, *, report: Path | None = None, json_out: str | None = None
) -> Iterator[str]:
    collection = document.collection
    yield (
        f"Collection {collection.path}: {_plural(collection.total_files, 'file')}, "
        f"{format_size(collection.total_size)} (scanned in {document.scan_time:.1f} s)"
    )
    for result in document.results.values():
        if isinstance(result, PhotoPairingResult) and result.filename_convention:
            yield f"File names read as {result.filename_convention}"
    for result in document.results.values():
        if isinstance(result, PhotoStatsResult):
            yield _photostats(result)
        elif isinstance(result, PhotoPairingResult):
            yield _pairing(result)
        else:
            yield _validation(result)
    for tool, reason in document.skipped.items():
        yield f"Skipped {tool}: {reason}"
    if document.scan_issues:
        yield (
            f"{_plural(len(document.scan_issues), 'scan issue')} (unreadable folders, odd names, "
            "links not followed): see the report or the JSON"
        )
    if report is not None:
        yield f"Report: {report.resolve()}"
    if json_out and json_out != "-":
        yield f"JSON: {Path(json_out).resolve()}"
