"""Image groups: photo files gathered by camera ID + counter, then by separate image (spec 3.2).

Photo Pairing reports on these groups and Pipeline Validation checks each separate image, so one
grouping per run serves both.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from ..config import normalise_extension
from ..files import FileEntry
from ..grammar import FilenameGrammar, InvalidName
from ..results import InvalidFile

__all__ = ["Grouping", "ImageGroup", "SeparateImage", "group_photos"]


@dataclass(slots=True)
class SeparateImage:
    """One image of a group: `id` is its all-digit separate-image marker, `""` for the main one."""

    id: str
    files: list[str] = field(default_factory=list)
    methods: set[str] = field(default_factory=set)


@dataclass(slots=True)
class ImageGroup:
    """Every photo file sharing a camera ID and counter; `base` is the name they start with."""

    group_id: str
    camera_id: str
    counter: str
    base: str
    separate_images: dict[str, SeparateImage] = field(default_factory=dict)


@dataclass(slots=True)
class Grouping:
    groups: dict[str, ImageGroup]
    invalid_files: list[InvalidFile]
    photo_file_count: int

    @property
    def image_count(self) -> int:
        return sum(len(g.separate_images) for g in self.groups.values())

    @property
    def grouped_file_count(self) -> int:
        return sum(len(i.files) for g in self.groups.values() for i in g.separate_images.values())

    def sorted_groups(self) -> list[ImageGroup]:
        return [self.groups[key] for key in sorted(self.groups)]


def group_photos(
    entries: Iterable[FileEntry], photo_extensions: Collection[str], grammar: FilenameGrammar
) -> Grouping:
    """Group the photo files among `entries`; names the grammar rejects go to `invalid_files`.

    Only the basename counts, so `a/X.cr3` and `b/X.dng` share a group. Files within an image and
    invalid files are sorted by path; separate images keep first-seen order.
    """
    photo_exts = frozenset(normalise_extension(ext) for ext in photo_extensions)
    groups: dict[str, ImageGroup] = {}
    invalid: list[InvalidFile] = []
    photo_files = 0
    for entry in entries:
        path = entry.path
        name = path[path.rfind("/") + 1 :]
        dot = name.rfind(".")
        if dot < 0 or name[dot:].lower() not in photo_exts:
            continue
        photo_files += 1
        parsed = grammar.parse(name)
        if isinstance(parsed, InvalidName):
            invalid.append(InvalidFile(path=path, reason=parsed.reason))
            continue
        group_id = parsed.group_id
        group = groups.get(group_id)
        if group is None:
            group = groups[group_id] = ImageGroup(
                group_id, parsed.camera_id, parsed.counter, parsed.base
            )
        image = group.separate_images.get(parsed.separate_id)
        if image is None:
            image = group.separate_images[parsed.separate_id] = SeparateImage(parsed.separate_id)
        image.files.append(path)
        image.methods.update(parsed.methods)
    for group in groups.values():
        for image in group.separate_images.values():
            image.files.sort()
    invalid.sort(key=lambda f: f.path)
    return Grouping(groups, invalid, photo_files)
