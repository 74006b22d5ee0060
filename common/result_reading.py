"""Stored results of any schema version, read as today's.

Version 1 kept one entry per orphan, per invalid name and per image that was not fully
consistent; version 2 groups them (results.py). A stored version-1 payload is turned into the
version-2 form before validation, so reports, exports and trends read one shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter

from .analyzers.validation_issues import NOTHING_APPLIES, IssueKey, Issues
from .folders import names_by_folder
from .results import RESULT_SCHEMA_VERSION, Status, ToolName, ToolResult

__all__ = ["read_tool_result", "upgrade_payload"]

_TOOL_RESULT: TypeAdapter[ToolResult] = TypeAdapter(ToolResult)


def read_tool_result(payload: Mapping[str, Any]) -> ToolResult:
    """A stored or uploaded result as today's schema; pydantic's ValidationError says what is
    wrong with it."""
    return _TOOL_RESULT.validate_python(upgrade_payload(payload))


def upgrade_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """`payload` in the current schema's shape: unchanged when it is current (or not a result
    at all: validation then says why)."""
    data = dict(payload)
    version = data.get("schema_version", 1)
    if not isinstance(version, int) or version >= RESULT_SCHEMA_VERSION:
        return data
    upgrade = _UPGRADES.get(str(data.get("tool")))
    if upgrade is None:
        return data
    upgrade(data)
    data["schema_version"] = RESULT_SCHEMA_VERSION
    return data


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


def _pipeline_validation(data: dict[str, Any]) -> None:
    listed = data.pop("images", None)
    issues = Issues()
    for image in listed if isinstance(listed, list) else []:
        name = str(image.get("base_filename"))
        files = _paths(image.get("files"))
        terminations = image.get("terminations") or {}
        keys: list[IssueKey] = [
            (
                term,
                Status(match["status"]),
                tuple(sorted(_relative(n, name) for n in match.get("expected", []))),
                tuple(sorted(_relative(n, name) for n in match.get("missing", []))),
                tuple(sorted(_relative(n, name) for n in match.get("extra", []))),
                float(match.get("completion", 0.0)),
            )
            for term, match in terminations.items()
            if match["status"] != Status.CONSISTENT
        ]
        issues.add(issues.buckets(keys or [NOTHING_APPLIES]), files[0] if files else "", name)
    data["issues"] = [issue.model_dump(mode="json") for issue in issues.listed()]
    data["path_stats"] = [
        {"names": list(stat.get("path") or []), **stat} if isinstance(stat, Mapping) else stat
        for stat in data.get("path_stats") or []
    ]


_UPGRADES = {
    ToolName.PHOTOSTATS.value: _photostats,
    ToolName.PHOTO_PAIRING.value: _photo_pairing,
    ToolName.PIPELINE_VALIDATION.value: _pipeline_validation,
}
