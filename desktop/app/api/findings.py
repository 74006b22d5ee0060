"""A result's findings as rows to fix, one per folder and name or run of names (result schema
3, docs/results.md): orphans by folder, invalid names by reason, Pipeline Validation issues by
what is wrong for each termination. A run `["AB3D0001", "AB3D0420"]` stays one row, "first …
last (n)", so a result with hundreds of thousands of names makes few rows; a list of names that
do not run makes one row each, which the app shows through a Qt model."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from shuttersense.common.name_runs import count_names
from shuttersense.common.results import (
    FilesByFolder,
    FolderNames,
    PhotoPairingResult,
    PhotoStatsResult,
    PipelineValidationResult,
    Status,
    TerminationPattern,
    ToolResult,
    ValidationIssue,
)

__all__ = ["Finding", "findings", "item_text"]

TOP = "(top of the collection)"
_STATUS_WORDS = {
    Status.CONSISTENT_WITH_WARNING: "warning",
    Status.PARTIAL: "partial",
    Status.INCONSISTENT: "inconsistent",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """`count` files or images of one finding (`what`) in one folder, named by `names`."""

    tool: str
    what: str
    folder: str
    names: str
    count: int


def item_text(item: str | tuple[str, str] | list[str]) -> tuple[str, int]:
    """A name as itself; a run as "first … last (n)"; with how many names it stands for."""
    if isinstance(item, str):
        return item, 1
    first, last = item
    count = count_names([(first, last)])
    return f"{first} … {last} ({count:,})", count


def _rows(tool: str, what: str, by_folder: FolderNames) -> Iterator[Finding]:
    for folder, items in by_folder.items():
        shown = folder or TOP
        for item in items:
            names, count = item_text(item)
            yield Finding(tool, what, shown, names, count)


def _files(tool: str, what: str, found: FilesByFolder) -> Iterator[Finding]:
    return _rows(tool, what, found.by_folder)


def _issue_what(issue: ValidationIssue) -> str:
    """`partial: missing -DxO.DNG, .xmp for Browsable Archive; missing .TIF for Black Box`."""
    status = _STATUS_WORDS.get(issue.status, issue.status.value.lower())
    return f"{status}: {'; '.join(map(_pattern_what, issue.patterns))}"


def _pattern_what(pattern: TerminationPattern) -> str:
    if pattern.termination is None:
        return "fit no path of the pipeline"
    parts = []
    if pattern.missing:
        parts.append(f"missing {', '.join(pattern.missing)}")
    if pattern.extra:
        parts.append(f"extra {', '.join(pattern.extra)}")
    return f"{' and '.join(parts) or 'files differ'} for {pattern.termination}"


def findings(results: Iterable[ToolResult]) -> list[Finding]:
    """What to fix in `results`, the finding with most files or images first, as in the
    report's "What to fix" (ties in tool order); images consistent but for extra files (a
    warning, nothing missing) after every problem. Each finding's folders stay in order."""
    found = [(warning, list(rows)) for result in results for warning, rows in _found(result)]
    ranked = sorted(found, key=lambda group: (group[0], -sum(row.count for row in group[1])))
    return [row for _, rows in ranked for row in rows]


def _found(result: ToolResult) -> Iterator[tuple[bool, Iterable[Finding]]]:
    """Each finding of `result` as its rows, with whether it is a warning only."""
    tool = result.tool.value
    if isinstance(result, PhotoStatsResult):
        yield False, _files(tool, "image without its sidecar", result.orphaned_images)
        yield False, _files(tool, "sidecar without its image", result.orphaned_sidecars)
    elif isinstance(result, PhotoPairingResult):
        for invalid in result.invalid_names:
            yield False, _files(tool, f"invalid name: {invalid.reason}", invalid)
    elif isinstance(result, PipelineValidationResult):
        for issue in result.issues:
            warning = issue.status is Status.CONSISTENT_WITH_WARNING
            yield warning, _rows(tool, _issue_what(issue), issue.images)
