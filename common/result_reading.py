"""Stored results of any schema version, read as today's.

Version 1 kept one entry per orphan, per invalid name and per image that was not fully
consistent; version 2 groups them (results.py), Pipeline Validation's images once per
termination; version 3 names each image in one issue, the combination of its patterns. A stored
payload is brought up one version at a time (1 -> 2 -> 3) before validation, so reports,
exports and trends read one shape.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from .analyzers.validation_issues import NOTHING_APPLIES, IssueKey, Issues
from .folders import folder_of, names_by_folder
from .name_runs import compact, expand
from .results import RESULT_SCHEMA_VERSION, Status, ToolName, ToolResult

__all__ = ["read_tool_result", "upgrade_payload"]

_TOOL_RESULT: TypeAdapter[ToolResult] = TypeAdapter(ToolResult)


def read_tool_result(payload: Mapping[str, Any]) -> ToolResult:
    """A stored or uploaded result as today's schema; pydantic's ValidationError says what is
    wrong with it."""
    return _TOOL_RESULT.validate_python(upgrade_payload(payload))


def upgrade_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """`payload` in the current schema's shape: unchanged when it is current (or not a result
    at all: validation then says why). An older payload too broken to upgrade raises
    pydantic's ValidationError, saying what could not be read."""
    data = dict(payload)
    version = data.get("schema_version", 1)
    tool = str(data.get("tool"))
    if not isinstance(version, int) or version >= RESULT_SCHEMA_VERSION or tool not in _TOOLS:
        return data
    for step in range(max(version, 1), RESULT_SCHEMA_VERSION):
        upgrade = _UPGRADES[step].get(tool)
        try:
            if upgrade is not None:
                upgrade(data)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise _unreadable(tool, step, exc) from None
    data["schema_version"] = RESULT_SCHEMA_VERSION
    return data


def _unreadable(tool: str, version: int, exc: Exception) -> ValidationError:
    why = PydanticCustomError(
        "old_result",
        "a {tool} result of schema {version} that cannot be upgraded "
        "({error}: {detail}); run the analysis again for a result of schema {current}",
        {
            "tool": tool,
            "version": version,
            "error": type(exc).__name__,
            "detail": str(exc),
            "current": RESULT_SCHEMA_VERSION,
        },
    )
    details: list[InitErrorDetails] = [{"type": why, "loc": ("schema_version",), "input": version}]
    return ValidationError.from_exception_data(tool, details)


def _paths(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def _files_by_folder(paths: list[str]) -> dict[str, Any]:
    return {"count": len(paths), "by_folder": names_by_folder(paths)}


def _photostats(data: dict[str, Any]) -> None:
    data["orphaned_images"] = _files_by_folder(_paths(data.get("orphaned_images")))
    data["orphaned_sidecars"] = _files_by_folder(_paths(data.pop("orphaned_xmp", None)))


def _photo_pairing(data: dict[str, Any]) -> None:
    listed = data.pop("invalid_files", None)
    invalid = listed if isinstance(listed, list) else []
    by_reason: dict[str, list[str]] = {}
    for item in invalid:
        if isinstance(item, Mapping):
            by_reason.setdefault(str(item.get("reason")), []).append(str(item.get("path")))
    data["invalid_file_count"] = len(invalid)
    data["invalid_names"] = sorted(
        ({"reason": reason, **_files_by_folder(paths)} for reason, paths in by_reason.items()),
        key=lambda group: (-group["count"], group["reason"]),
    )


def _relative(name: str, image: str) -> str:
    """A full expected/missing/extra name of a version-1 image, relative to the image's name
    as version 2 tells it; whole when it does not follow the convention."""
    if name.startswith(image):
        return name[len(image) :]
    dash = image.rfind("-")
    marker = image[dash:] if dash > 0 and image[dash + 1 :].isdigit() else ""
    base = image[: len(image) - len(marker)]
    dot = name.rfind(".")
    head = name if dot < 0 else name[:dot]
    if marker and name.startswith(base) and head.endswith(marker):
        return head[len(base) : len(head) - len(marker)] + name[len(head) :]
    return name


def _issue_key(term: Any, found: Mapping[str, Any], name: str | None = None) -> IssueKey:
    """One termination's pattern as an issue key; names made relative to image `name` (v1)."""

    def names(field: str) -> tuple[str, ...]:
        listed = _paths(found.get(field))
        return tuple(sorted(listed if name is None else (_relative(n, name) for n in listed)))

    return (
        None if term is None else str(term),
        Status(found["status"]),
        names("expected"),
        names("missing"),
        names("extra"),
        float(found.get("completion", 0.0)),
    )


def _pipeline_validation_v1(data: dict[str, Any]) -> None:
    """Images one by one -> version 2's issues: one per termination and pattern."""
    listed = data.pop("images", None)
    found: dict[IssueKey, dict[str, list[str]]] = {}
    for image in listed if isinstance(listed, list) else []:
        name = str(image.get("base_filename"))
        files = _paths(image.get("files"))
        folder = folder_of(files[0]) if files else ""
        terminations = image.get("terminations") or {}
        keys = [
            _issue_key(term, match, name)
            for term, match in terminations.items()
            if match["status"] != Status.CONSISTENT
        ]
        for key in keys or [NOTHING_APPLIES]:
            found.setdefault(key, {}).setdefault(folder, []).append(name)
    data["issues"] = [
        {
            "termination": term,
            "status": status.value,
            "expected": list(expected),
            "missing": list(missing),
            "extra": list(extra),
            "completion": completion,
            "image_count": sum(map(len, images.values())),
            "images": {folder: compact(names) for folder, names in images.items()},
        }
        for (term, status, expected, missing, extra, completion), images in found.items()
    ]
    data["path_stats"] = [
        {"names": list(stat.get("path") or []), **stat} if isinstance(stat, Mapping) else stat
        for stat in data.get("path_stats") or []
    ]


def _pipeline_validation_v2(data: dict[str, Any]) -> None:
    """Version 2's issues (an image in one per termination it does not finish) -> version 3's
    (each image in one issue): every image's patterns gathered, then grouped again."""
    listed = data.get("issues")
    keys: defaultdict[tuple[str, str], list[IssueKey]] = defaultdict(list)
    for issue in listed if isinstance(listed, list) else []:
        key = _issue_key(issue.get("termination"), issue)
        for folder, names in (issue.get("images") or {}).items():
            for name in expand(names):
                keys[folder, name].append(key)
    issues = Issues()
    for (folder, name), found in keys.items():
        bucket = issues.bucket(found)
        if bucket is not None:
            bucket[folder].append(name)
    data["issues"] = [issue.model_dump(mode="json") for issue in issues.listed()]


_TOOLS = {tool.value for tool in ToolName}
_UPGRADES: dict[int, dict[str, Callable[[dict[str, Any]], None]]] = {
    1: {
        ToolName.PHOTOSTATS.value: _photostats,
        ToolName.PHOTO_PAIRING.value: _photo_pairing,
        ToolName.PIPELINE_VALIDATION.value: _pipeline_validation_v1,
    },
    2: {ToolName.PIPELINE_VALIDATION.value: _pipeline_validation_v2},
}
