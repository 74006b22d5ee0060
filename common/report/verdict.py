"""The one-line judgement of a tool's result and of a whole run, shown at the top of the report."""

from __future__ import annotations

from dataclasses import dataclass

from ..results import (
    AnalysisDocument,
    PhotoPairingResult,
    PhotoStatsResult,
    PipelineValidationResult,
    ToolResult,
)
from .format import format_count, plural
from .palette import Tone

__all__ = [
    "Verdict",
    "document_verdict",
    "pairing_verdict",
    "photostats_verdict",
    "tool_verdict",
    "validation_verdict",
]

PASSED = "PASSED"
PARTIAL = "PARTIAL"
FAILED = "FAILED"
ISSUES = "ISSUES FOUND"
NO_RESULTS = "NO RESULTS"

# Worst first: the run's label is that of its worst tool.
_LABEL_ORDER = (FAILED, PARTIAL, ISSUES, PASSED, NO_RESULTS)
_TONE: dict[str, Tone] = {
    FAILED: "danger",
    PARTIAL: "warning",
    ISSUES: "warning",
    PASSED: "success",
}


@dataclass(frozen=True, slots=True)
class Verdict:
    label: str
    tone: Tone
    reasons: tuple[str, ...]


def _verdict(label: str, *reasons: str) -> Verdict:
    return Verdict(label, _TONE[label], reasons)


def validation_verdict(result: PipelineValidationResult) -> Verdict:
    """FAILED if any image is inconsistent, else PARTIAL if any is partial, else PASSED (6.10)."""
    inconsistent = result.overall_status.get("INCONSISTENT", 0)
    partial = result.overall_status.get("PARTIAL", 0)
    reasons = []
    if inconsistent:
        reasons.append(plural(inconsistent, "inconsistent image"))
    if partial:
        reasons.append(plural(partial, "partial image") + " (missing files)")
    if inconsistent:
        return _verdict(FAILED, *reasons)
    if partial:
        return _verdict(PARTIAL, *reasons)
    if not result.total_images:
        return _verdict(PASSED, "no images to validate")
    warned = result.status_counts.get("consistent_with_warning", 0)
    line = f"all {plural(result.total_images, 'image')} consistent"
    if warned:
        line += f", {format_count(warned)} with extra files"
    return _verdict(PASSED, line)


def photostats_verdict(result: PhotoStatsResult) -> Verdict:
    reasons = []
    if result.orphaned_images.count:
        reasons.append(plural(result.orphaned_images.count, "image") + " without a sidecar")
    if result.orphaned_sidecars.count:
        reasons.append(plural(result.orphaned_sidecars.count, "sidecar") + " without an image")
    if result.invalid_xmp:
        reasons.append(plural(len(result.invalid_xmp), "sidecar") + " that could not be read")
    if reasons:
        return _verdict(ISSUES, *reasons)
    return _verdict(PASSED, "every image that needs a sidecar has one")


def pairing_verdict(result: PhotoPairingResult) -> Verdict:
    if result.invalid_file_count:
        return _verdict(ISSUES, plural(result.invalid_file_count, "invalid filename"))
    return _verdict(PASSED, "every filename follows the naming convention")


def tool_verdict(result: ToolResult) -> Verdict:
    if isinstance(result, PhotoStatsResult):
        return photostats_verdict(result)
    if isinstance(result, PhotoPairingResult):
        return pairing_verdict(result)
    return validation_verdict(result)


def document_verdict(document: AnalysisDocument, titles: dict[str, str]) -> Verdict:
    """The run's verdict: its worst tool's label, with every tool's problems as reasons.

    `titles` names tools for the reasons (tool key -> display name). Scan issues make an
    otherwise clean run "ISSUES FOUND": some files may not have been analysed. Skipped tools are
    mentioned but do not change the label.
    """
    not_run = [f"{titles.get(tool, tool)}: not run" for tool in document.skipped]
    if not document.results:
        return Verdict(NO_RESULTS, "muted", ("no tool produced a result", *not_run))
    labels = []
    reasons = []
    for key, result in document.results.items():
        verdict = tool_verdict(result)
        labels.append(verdict.label)
        if verdict.label != PASSED:
            title = titles.get(key, key)
            reasons.extend(f"{title}: {reason}" for reason in verdict.reasons)
    if document.scan_issues:
        labels.append(ISSUES)
        reasons.append(f"Scan: {plural(len(document.scan_issues), 'issue')}")
    label = min(labels, key=_LABEL_ORDER.index)
    if label == PASSED:
        reasons.append(f"no problems found by {plural(len(document.results), 'tool')}")
    return _verdict(label, *reasons, *not_run)
