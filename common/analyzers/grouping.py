"""Image groups: photo files gathered by camera ID + counter, then by separate image (spec 3.2).

Photo Pairing reports on these groups and Pipeline Validation checks each separate image, so one
grouping per run serves both.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, compress, count
from operator import attrgetter, itemgetter, ne
from sys import intern

from ..catalog import Catalog
from ..config import normalise_extension
from ..files import FileEntry
from ..folders import folder_of
from ..grammar import (
    FilenameGrammar,
    InvalidName,
    ParsedName,
    Reason,
    WholeMatch,
    split_properties,
)
from ..name_runs import compact
from ..results import InvalidFile, NameCollisions

__all__ = [
    "MAX_COLLISION_SETS",
    "Collisions",
    "Grouping",
    "ImageGroup",
    "SeparateImage",
    "group_photos",
    "name_collisions",
]

MAX_COLLISION_SETS = 200


_NO_METHODS: frozenset[str] = frozenset()
# For a grammar without a whole-stem regex: nothing matches, every name is parsed.
_NO_WHOLE_MATCH = WholeMatch(re.compile(r"(?!)").fullmatch, (0, 0, 0), None)


class SeparateImage:
    """One image of a group: its photo files, and the processing methods they carry.

    `methods` is a frozenset shared by every image with the same methods: a million images hold
    a handful of distinct sets, not a million sets. A plain class with slots, not a dataclass:
    grouping makes one per image, and a dataclass's `__init__` (default factories) costs more."""

    __slots__ = ("files", "methods")

    def __init__(self, first_file: str) -> None:
        self.files = [first_file]
        self.methods: frozenset[str] = _NO_METHODS


class ImageGroup:
    """Every photo file sharing a camera ID and counter; `base` is the name they start with.

    Camera IDs are shared strings, and `base` is `group_id` itself where they are equal (the
    ShutterSense convention), so a group costs little more than its images. `separate_images`
    maps each image's all-digit separate-image marker (`""` for the main one) to the image."""

    __slots__ = ("base", "camera_id", "group_id", "separate_images")

    def __init__(
        self, group_id: str, camera_id: str, base: str, separate_images: dict[str, SeparateImage]
    ) -> None:
        self.group_id = group_id
        self.camera_id = camera_id
        self.base = base
        self.separate_images = separate_images

    @property
    def counter(self) -> str:
        return self.group_id[len(self.camera_id) :]


@dataclass(frozen=True, slots=True)
class Collisions:
    """Photo names found in several folders: how many, in how many sets of folders, and the
    largest sets (a copied archive can hold tens of thousands; the largest say where)."""

    count: int = 0
    sets: int = 0
    listed: list[NameCollisions] = field(default_factory=list)


@dataclass(slots=True)
class Grouping:
    """The groups, the photo files the grammar rejected, the sidecar files seen on the way
    (paths of files with a metadata extension), which Pipeline Validation attaches to images,
    and the photo file names found in more than one folder."""

    groups: dict[str, ImageGroup]
    invalid_files: list[InvalidFile]
    photo_file_count: int
    sidecars: list[str] = field(default_factory=list)
    collisions: Collisions = field(default_factory=Collisions)

    @property
    def image_count(self) -> int:
        return sum(map(len, map(_images, self.groups.values())))

    @property
    def grouped_file_count(self) -> int:
        return sum(len(i.files) for g in self.groups.values() for i in g.separate_images.values())

    def sorted_groups(self) -> list[ImageGroup]:
        return [self.groups[key] for key in sorted(self.groups)]


_path = itemgetter(0)
_images = attrgetter("separate_images")
_files = attrgetter("files")


def _plain(suffix: str) -> bool:
    """D4: a photo extension must be ASCII letters and digits."""
    return suffix[1:].isascii() and suffix[1:].isalnum()


def group_photos(
    files: Catalog | Iterable[FileEntry],
    photo_extensions: Collection[str],
    grammar: FilenameGrammar,
    metadata_extensions: Collection[str] = (),
    *,
    with_collisions: bool = True,
) -> Grouping:
    """Group the photo files among `files` (records or a Catalog); names the grammar rejects go
    to `invalid_files`. Without `with_collisions`, `collisions` stays empty: the caller finds
    them with `name_collisions` (in another process, say).

    Only the basename counts, so `a/X.cr3` and `b/X.dng` share a group. Files within an image and
    invalid files are sorted by path; separate images keep first-seen order.
    """
    catalog = Catalog.of(files)
    photo = frozenset(normalise_extension(ext) for ext in photo_extensions)
    metadata = frozenset(normalise_extension(ext) for ext in metadata_extensions) - photo
    photo_suffixes = catalog.suffixes(photo)
    bad = [e.path for s in photo_suffixes if not _plain(s) for e in catalog.by_suffix[s]]
    plain = [s for s in photo_suffixes if _plain(s)]
    photos = list(map(_path, catalog.select(plain)))
    photo_stems = catalog.select_stems(plain)
    grouping = Grouping(
        {},
        [InvalidFile(path=path, reason=Reason.BAD_EXTENSION) for path in bad],
        len(bad) + len(photos),
        list(map(_path, catalog.select(catalog.suffixes(metadata)))),
    )
    _add_photos(grouping, photos, photo_stems, grammar)
    if with_collisions:
        grouping.collisions = _collisions(catalog, plain, grammar)
    # Every image's files sorted, in C: most images hold one or two.
    images = chain.from_iterable(map(dict.values, map(_images, grouping.groups.values())))
    deque(map(list.sort, map(_files, images)), maxlen=0)
    grouping.invalid_files.sort(key=lambda f: f.path)
    return grouping


def name_collisions(
    files: Catalog | Iterable[FileEntry],
    photo_extensions: Collection[str],
    grammar: FilenameGrammar,
) -> Collisions:
    """The `collisions` that `group_photos` finds, on their own."""
    catalog = Catalog.of(files)
    photo = frozenset(normalise_extension(ext) for ext in photo_extensions)
    return _collisions(catalog, [s for s in catalog.suffixes(photo) if _plain(s)], grammar)


def _collisions(catalog: Catalog, suffixes: list[str], grammar: FilenameGrammar) -> Collisions:
    """Valid photo names that stand in several folders, by the folders they stand in. Two
    files of one name share a suffix, so each suffix's stems are checked on their own, in bulk;
    only a repeat costs more."""
    by_folders: dict[tuple[str, ...], list[str]] = {}
    for suffix in suffixes:
        stems = catalog.stems_by_suffix[suffix]
        last = dict(zip(stems, count()))  # each stem's last position
        if len(last) == len(stems):
            continue
        # A stem seen before its last position is repeated; all of this runs in C.
        repeated = set(compress(stems, map(ne, map(last.__getitem__, stems), count())))
        mask = list(map(repeated.__contains__, stems))
        folders: dict[str, set[str]] = {}
        for (path, _, _), stem in zip(
            compress(catalog.by_suffix[suffix], mask), compress(stems, mask), strict=True
        ):
            folders.setdefault(stem, set()).add(folder_of(path))
        for stem, where in folders.items():
            if len(where) > 1 and isinstance(grammar.parse_stem(stem), ParsedName):
                by_folders.setdefault(tuple(sorted(where)), []).append(stem + suffix)
    largest = sorted(by_folders.items(), key=lambda item: (-len(item[1]), item[0]))
    listed = [
        NameCollisions(folders=list(where), count=len(names), names=compact(names))
        for where, names in largest[:MAX_COLLISION_SETS]
    ]
    return Collisions(sum(map(len, by_folders.values())), len(by_folders), listed)


def _add_photos(
    grouping: Grouping, paths: list[str], stems: list[str], grammar: FilenameGrammar
) -> None:
    """File every photo under its group and image, in one loop that runs for most of a million
    files. The grammar's whole-stem regex is applied right here, one C-level `map` over all
    stems, so a valid name costs no intermediate object; the others go through `parse_stem`,
    which also says why a name is invalid."""
    fast = grammar.whole_match or _NO_WHOLE_MATCH
    camera_group, counter_group, rest_group = fast.groups
    forbidden = fast.forbidden_counter
    groups = grouping.groups
    for path, stem, match in zip(paths, stems, map(fast.fullmatch, stems), strict=True):
        base = None
        if match is not None:
            camera_id, counter, remainder = match.group(camera_group, counter_group, rest_group)
            if not camera_id or not counter or counter == forbidden:
                match = None
        if match is None:
            parsed = grammar.parse_stem(stem)
            if type(parsed) is InvalidName:
                grouping.invalid_files.append(InvalidFile(path=path, reason=parsed.reason))
                continue
            camera_id, counter, base, separate_id, methods = parsed
        elif remainder:
            separate_id, methods = split_properties(remainder)
        else:  # most names: no properties at all
            separate_id, methods = "", ()
        group_id = camera_id + counter
        group = groups.get(group_id)
        if group is None:
            if base is None:
                base = stem[: len(stem) - len(remainder)]
            image = SeparateImage(path)
            groups[group_id] = ImageGroup(
                group_id,
                intern(camera_id),
                group_id if base == group_id else base,
                {separate_id: image},
            )
        else:
            images = group.separate_images
            image = images.get(separate_id)
            if image is None:
                image = images[separate_id] = SeparateImage(path)
            else:
                image.files.append(path)
        if methods:
            image.methods = _with_methods(image.methods, methods)


@lru_cache(maxsize=4096)
def _with_methods(methods: frozenset[str], more: tuple[str, ...]) -> frozenset[str]:
    return methods.union(more)
