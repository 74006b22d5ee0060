"""The numbers a trend follows, per tool, read from stored result JSON (analysis spec 8).

`counts` reads what can be summed over collections; `metrics` adds what is derived from sums
(ratios, recomputed from the summed counts and never averaged); `headline` names the one value
whose direction a summary reports, and which way is better.
Pipeline Validation is read from `overall_status` and `by_termination`, the keys results store
(spec D6), never from the reference's `consistency_counts`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from shuttersense.common.results import ToolName

from ..models import Result

__all__ = [
    "Counts",
    "Headline",
    "add",
    "counts",
    "counts_of",
    "headline",
    "metrics",
    "stored_counts",
]

Counts = dict[str, Any]  # metric name -> int, or camera/termination -> int for nested counts

_STATUSES = ("CONSISTENT", "PARTIAL", "INCONSISTENT")
# The reference's two hard-coded archive termination types.
_ARCHIVES = {"black_box_archive": "Black Box Archive", "browsable_archive": "Browsable Archive"}


@dataclass(frozen=True)
class Headline:
    """The value a summary follows and whether lower values are the better ones."""

    metric: str
    lower_is_better: bool


_HEADLINES = {
    ToolName.PHOTOSTATS: Headline("orphaned_files", lower_is_better=True),
    ToolName.PIPELINE_VALIDATION: Headline("consistent_ratio", lower_is_better=False),
}


def _number(value: Any) -> int:
    """A count given as a number, as the list of what was counted, or as a finding that
    carries its `count` (result schema 2)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, Mapping) and "count" in value:
        return _number(value["count"])
    if isinstance(value, list | tuple | dict):
        return len(value)
    return 0


def _camera_images(value: Any) -> int:
    return _number(value.get("image_count")) if isinstance(value, Mapping) else _number(value)


def _status_counts(value: Any) -> dict[str, int]:
    found = value if isinstance(value, Mapping) else {}
    return {status: _number(found.get(status, 0)) for status in _STATUSES}


def counts(tool: str, payload: Mapping[str, Any]) -> Counts:
    """The summable counts of one stored result; missing or odd fields count as zero."""
    if tool == ToolName.PHOTOSTATS:
        return {
            "orphaned_images": _number(payload.get("orphaned_images")),
            "orphaned_metadata": _number(
                payload.get("orphaned_sidecars", payload.get("orphaned_xmp"))
            ),
            "total_files": _number(payload.get("total_files")),
            "total_size": _number(payload.get("total_size")),
        }
    if tool == ToolName.PHOTO_PAIRING:
        usage = payload.get("camera_usage")
        cameras = usage if isinstance(usage, Mapping) else {}
        return {
            "group_count": _number(payload.get("group_count")),
            "image_count": _number(payload.get("image_count")),
            "invalid_file_count": _number(payload.get("invalid_file_count")),
            "camera_usage": {str(k): _camera_images(v) for k, v in cameras.items()},
        }
    if tool == ToolName.PIPELINE_VALIDATION:
        terminations = payload.get("by_termination")
        by_termination = terminations if isinstance(terminations, Mapping) else {}
        found: Counts = {
            k.lower(): v for k, v in _status_counts(payload.get("overall_status")).items()
        }
        for key, name in _ARCHIVES.items():
            found[key] = _status_counts(by_termination.get(name))
        return found
    raise ValueError(f"no trend for tool {tool!r}")


def stored_counts(
    tool: str, kept: Mapping[str, Any] | None, payload: Callable[[], Mapping[str, Any] | None]
) -> Counts:
    """A stored result's counts: the ones it keeps (its `trend_counts`), or for a result stored
    before they were kept, read off its JSON, which `payload` loads only then."""
    if kept is not None:
        return dict(kept)
    return counts(tool, payload() or {})


def counts_of(result: Result) -> Counts:
    """`stored_counts` of a result row (its JSON loaded only if it keeps no counts)."""
    return stored_counts(result.tool, result.trend_counts, lambda: result.results_json)


def add(left: Counts, right: Counts) -> Counts:
    """The sum of two counts, nested counts key by key."""
    total: Counts = dict(left)
    for key, value in right.items():
        if isinstance(value, Mapping):
            total[key] = add(total.get(key, {}), dict(value))
        else:
            total[key] = total.get(key, 0) + value
    return total


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def metrics(tool: str, summed: Counts) -> dict[str, Any]:
    """What a trend point shows: the counts and the values derived from them."""
    shown: dict[str, Any] = dict(summed)
    if tool == ToolName.PHOTOSTATS:
        shown["orphaned_files"] = summed["orphaned_images"] + summed["orphaned_metadata"]
    elif tool == ToolName.PIPELINE_VALIDATION:
        total = sum(summed[status.lower()] for status in _STATUSES)
        shown["total_images"] = total
        for status in _STATUSES:
            shown[f"{status.lower()}_ratio"] = _percent(summed[status.lower()], total)
        for key in _ARCHIVES:
            archive = summed[key]
            shown[f"{key}_consistency"] = _percent(archive["CONSISTENT"], sum(archive.values()))
    return shown


def headline(tool: str) -> Headline | None:
    """What a summary follows for `tool`; None when the tool has no better or worse (pairing)."""
    return _HEADLINES.get(ToolName(tool))
