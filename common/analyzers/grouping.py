"""Image groups: photo files gathered by camera ID + counter, then by separate image (spec 3.2).

Photo Pairing reports on these groups and Pipeline Validation checks each separate image, so one
grouping per run serves both.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from ..config import normalise_extension
from ..files import FileEntry
from ..grammar import FilenameGrammar, InvalidName, ParsedName, Reason
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
    """The groups, the photo files the grammar rejected, and the sidecar files seen on the way
    (paths of files with a metadata extension), which Pipeline Validation attaches to images."""

    groups: dict[str, ImageGroup]
    invalid_files: list[InvalidFile]
    photo_file_count: int
    sidecars: list[str] = field(default_factory=list)

    @property
    def image_count(self) -> int:
        return sum(len(g.separate_images) for g in self.groups.values())

    @property
    def grouped_file_count(self) -> int:
        return sum(len(i.files) for g in self.groups.values() for i in g.separate_images.values())

    def sorted_groups(self) -> list[ImageGroup]:
        return [self.groups[key] for key in sorted(self.groups)]


_BATCH = 8192
_PHOTO, _BAD_PHOTO, _SIDECAR, _OTHER = range(4)


def _kind(raw_extension: str, photo: frozenset[str], metadata: frozenset[str]) -> int:
    ext = raw_extension.lower()
    if ext in photo:
        plain = raw_extension[1:]
        return _PHOTO if plain.isascii() and plain.isalnum() else _BAD_PHOTO
    return _SIDECAR if ext in metadata else _OTHER


def group_photos(
    entries: Iterable[FileEntry],
    photo_extensions: Collection[str],
    grammar: FilenameGrammar,
    metadata_extensions: Collection[str] = (),
) -> Grouping:
    """Group the photo files among `entries`; names the grammar rejects go to `invalid_files`.

    Only the basename counts, so `a/X.cr3` and `b/X.dng` share a group. Files within an image and
    invalid files are sorted by path; separate images keep first-seen order. Names are parsed in
    batches (`FilenameGrammar.parse_stems`), which is what keeps a million files fast.
    """
    photo = frozenset(normalise_extension(ext) for ext in photo_extensions)
    metadata = frozenset(normalise_extension(ext) for ext in metadata_extensions) - photo
    kinds: dict[str, int] = {}  # raw extension -> kind, so each spelling is classified once
    grouping = Grouping({}, [], 0)
    paths: list[str] = []
    stems: list[str] = []
    for entry in entries:
        path = entry.path
        slash = path.rfind("/")
        dot = path.rfind(".")
        if dot <= slash:
            continue
        raw = path[dot:]
        kind = kinds.get(raw)
        if kind is None:
            kind = kinds[raw] = _kind(raw, photo, metadata)
        if kind == _PHOTO:
            paths.append(path)
            stems.append(path[slash + 1 : dot])
            if len(paths) == _BATCH:
                _add_batch(grouping, paths, grammar.parse_stems(stems))
                paths, stems = [], []
        elif kind == _SIDECAR:
            grouping.sidecars.append(path)
        elif kind == _BAD_PHOTO:
            grouping.photo_file_count += 1
            grouping.invalid_files.append(InvalidFile(path=path, reason=Reason.BAD_EXTENSION))
    _add_batch(grouping, paths, grammar.parse_stems(stems))
    for group in grouping.groups.values():
        for image in group.separate_images.values():
            image.files.sort()
    grouping.invalid_files.sort(key=lambda f: f.path)
    return grouping


def _add_batch(
    grouping: Grouping, paths: list[str], parsed_names: list[ParsedName | InvalidName]
) -> None:
    groups = grouping.groups
    grouping.photo_file_count += len(paths)
    for path, parsed in zip(paths, parsed_names, strict=True):
        if type(parsed) is InvalidName:
            grouping.invalid_files.append(InvalidFile(path=path, reason=parsed.reason))
            continue
        camera_id, counter, base, separate_id, methods = parsed
        group_id = camera_id + counter
        group = groups.get(group_id)
        if group is None:
            group = groups[group_id] = ImageGroup(group_id, camera_id, counter, base)
        image = group.separate_images.get(separate_id)
        if image is None:
            image = group.separate_images[separate_id] = SeparateImage(separate_id)
        image.files.append(path)
        if methods:
            image.methods.update(methods)
