"""Paths gathered by folder: how results list the files of one finding compactly."""

from __future__ import annotations

from collections.abc import Iterable

from .name_runs import compact
from .results import FolderNames

__all__ = ["folder_of", "names_by_folder"]


def folder_of(path: str) -> str:
    """The folder part of a relative `/`-separated path; `""` for a file at the top."""
    return path[: max(path.rfind("/"), 0)]


def names_by_folder(paths: Iterable[str]) -> FolderNames:
    """Folder -> the names of `paths` in it, folders sorted, names compacted into runs."""
    found: dict[str, list[str]] = {}
    for path in paths:
        cut = path.rfind("/")
        names = found.get(path[: max(cut, 0)])
        if names is None:
            names = found[path[: max(cut, 0)]] = []
        names.append(path[cut + 1 :])
    return {folder: compact(found[folder]) for folder in sorted(found)}
