"""The file record every analyzer works on, and the names derived from it (analysis spec 1.1)."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["FileEntry", "extension_of", "name_of", "split_name", "stem_of"]


class FileEntry(NamedTuple):
    """One regular file of a collection.

    `path` is relative to the collection root and `/`-separated; `mtime` is seconds since the epoch.
    Undecodable names are kept, their bad bytes shown as `\\xNN` text (analysis spec D8), so every
    path is valid UTF-8 and every result valid JSON.
    """

    path: str
    size: int
    mtime: float


def name_of(path: str) -> str:
    """The basename: text after the last `/`."""
    return path.rpartition("/")[2]


def split_name(name: str) -> tuple[str, str]:
    """Split a basename into (stem, extension).

    The extension is `.` plus the lowercased text after the last dot, or `""` without a dot; the
    stem keeps its case. A dotfile `.hidden` gives stem `""` and extension `.hidden`.
    """
    stem, dot, ext = name.rpartition(".")
    if not dot:
        return name, ""
    return stem, "." + ext.lower()


def stem_of(path: str) -> str:
    """The stem of a path's basename."""
    return split_name(name_of(path))[0]


def extension_of(path: str) -> str:
    """The lowercased, dot-prefixed extension of a path's basename."""
    return split_name(name_of(path))[1]
