"""Photo Pairing analytics over image groups (analysis spec 3.3).

Counts groups, separate images and grouped files, and how many separate images each camera and
each processing method accounts for. Cameras and methods are counted under their resolved names,
so two IDs that resolve to the same name are merged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from operator import attrgetter
from typing import Any

from ..config import TeamConfig
from ..folders import names_by_folder
from ..results import InvalidFile, InvalidNames, PhotoPairingResult
from .grouping import Grouping

__all__ = ["camera_details", "invalid_names", "photo_pairing"]

_files = attrgetter("files")
_methods = attrgetter("methods")


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple | dict | set) and not value)


def camera_details(config: TeamConfig, camera_id: str) -> dict[str, object]:
    """The first mapping entry for a camera ID without its empty values; `{}` when unmapped."""
    for entry in config.camera_mappings.get(camera_id, ()):
        return {key: value for key, value in entry.items() if not _is_empty(value)}
    return {}


def invalid_names(files: list[InvalidFile]) -> list[InvalidNames]:
    """Rejected names by reason, most files first, each reason's files by folder."""
    by_reason: dict[str, list[str]] = {}
    for item in files:
        by_reason.setdefault(item.reason, []).append(item.path)
    found = [
        InvalidNames(reason=reason, count=len(paths), by_folder=names_by_folder(paths))
        for reason, paths in by_reason.items()
    ]
    found.sort(key=lambda group: (-group.count, group.reason))
    return found


def photo_pairing(
    grouping: Grouping,
    config: TeamConfig,
    method_labels: Mapping[str, str] | None = None,
    convention: str = "",
) -> PhotoPairingResult:
    """Summarise a grouping of photo files.

    Method labels come from `method_labels` (a pipeline's processing suffixes) when given, else
    from the team's `processing_methods` (never both); a keyword not named there is shown as
    itself. A separate image counts once per camera name and once per method label, however many
    of its files carry the method.
    """
    labels = config.processing_methods if method_labels is None else method_labels
    camera_names: dict[str, str] = {}
    camera_usage: dict[str, int] = {}
    for group in grouping.groups.values():
        camera_id = group.camera_id
        name = camera_names.get(camera_id)
        if name is None:
            name = camera_names[camera_id] = config.camera_name(camera_id)
        camera_usage[name] = camera_usage.get(name, 0) + len(group.separate_images)
    images = [i for g in grouping.groups.values() for i in g.separate_images.values()]
    # Images share a handful of method sets, so labels are resolved once per distinct set.
    method_sets = Counter(map(frozenset, map(_methods, images)))
    method_usage: dict[str, int] = {}
    for methods, count in method_sets.items():
        for label in {labels.get(method) or method for method in methods}:
            method_usage[label] = method_usage.get(label, 0) + count
    image_count = len(images)
    file_count = sum(map(len, map(_files, images)))

    return PhotoPairingResult(
        filename_convention=convention,
        group_count=len(grouping.groups),
        image_count=image_count,
        file_count=file_count,
        camera_usage=dict(sorted(camera_usage.items())),
        method_usage=dict(sorted(method_usage.items())),
        cameras={
            camera_id: camera_details(config, camera_id) for camera_id in sorted(camera_names)
        },
        invalid_file_count=len(grouping.invalid_files),
        invalid_names=invalid_names(grouping.invalid_files),
        name_collision_count=grouping.collisions.count,
        name_collision_sets=grouping.collisions.sets,
        name_collisions=grouping.collisions.listed,
    )
