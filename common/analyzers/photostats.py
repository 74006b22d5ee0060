"""PhotoStats: file counts and storage per type, and sidecar pairing by stem (analysis spec 4, D11).

Counting covers photo and metadata files only; every other file is counted by extension as
"not analysed", so nothing is left out silently. Pairing groups files by exact, case-sensitive stem
across folders: a stem with an image and a sidecar is paired; a stem with images but no sidecar
orphans the images that require one; a stem with sidecars but no image orphans the sidecars.
A full-name sidecar (`IMG_1.CR3.xmp`, as darktable writes) belongs to the image whose whole
basename is its stem (`IMG_1.CR3`, exact case) and pairs that image alone.

This runs over every file of the collection (a million in the benchmark), so it works per
extension on a `Catalog` and with bulk set operations, never a Python statement per file.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from heapq import nsmallest
from operator import itemgetter

from ..catalog import Catalog, extension_of_suffix
from ..config import normalise_extension
from ..files import FileEntry
from ..folders import names_by_folder
from ..results import FilesByFolder, NotAnalysed, PhotoStatsResult

__all__ = ["photostats"]

# What an extension means to PhotoStats; a photo extension that is also listed as metadata counts
# as a photo, so no file is ever its own sidecar.
_PHOTO = 1
_REQUIRING = 2
_METADATA = 3
_path, _size = itemgetter(0), itemgetter(1)
_EXAMPLES = 3


def _kinds(
    photo_extensions: Collection[str],
    metadata_extensions: Collection[str],
    require_sidecar: Collection[str],
) -> dict[str, int]:
    photo = {normalise_extension(ext) for ext in photo_extensions}
    requiring = {normalise_extension(ext) for ext in require_sidecar}
    kinds = {normalise_extension(ext): _METADATA for ext in metadata_extensions}
    for ext in photo:
        kinds[ext] = _REQUIRING if ext in requiring else _PHOTO
    return kinds


def photostats(
    files: Catalog | Iterable[FileEntry],
    *,
    photo_extensions: Collection[str],
    metadata_extensions: Collection[str],
    require_sidecar: Collection[str],
) -> PhotoStatsResult:
    """Count, size and pair the photo and metadata files among `files` (records or a Catalog).

    Extensions are compared lowercase on both sides. `invalid_xmp` is left None: reading the
    sidecars needs the disk, which the caller owns (see `common.xmp.check_sidecars`).
    """
    kinds = _kinds(photo_extensions, metadata_extensions, require_sidecar)
    stats: dict[str, list[int]] = {}  # extension -> [count, bytes]
    image_stems: set[str] = set()
    images: list[
        tuple[str, list[str], list[FileEntry], bool]
    ] = []  # suffix, stems, files, requiring
    sidecar_stems: list[str] = []
    sidecars: list[FileEntry] = []
    ignored: dict[str, list[FileEntry]] = {}
    catalog = Catalog.of(files)
    for suffix, bucket in catalog.by_suffix.items():
        ext = extension_of_suffix(suffix)
        kind = None if ext is None else kinds.get(ext)
        if ext is None or kind is None:
            ignored.setdefault(ext or "", []).extend(bucket)
            continue
        counted = stats.setdefault(ext, [0, 0])
        counted[0] += len(bucket)
        counted[1] += sum(map(_size, bucket))
        stems = catalog.stems_by_suffix[suffix]
        if kind == _METADATA:
            sidecar_stems += stems
            sidecars += bucket
        else:
            image_stems.update(stems)
            images.append((suffix, stems, bucket, kind == _REQUIRING))

    paired = set(sidecar_stems)
    # A sidecar whose stem is an image's whole basename is that image's full-name sidecar; only
    # a stem with a dot can be one, and those are rare, so image names are built only then.
    dotted = {stem for stem in paired if "." in stem}
    full_name_pairs = (
        dotted.intersection(stem + suffix for suffix, stems, _, _ in images for stem in stems)
        if dotted
        else set()
    )
    lonely = paired - image_stems - full_name_pairs
    orphaned_xmp = [
        entry.path for entry, stem in zip(sidecars, sidecar_stems, strict=True) if stem in lonely
    ]
    orphaned_images = [
        entry.path
        for suffix, stems, bucket, requiring in images
        if requiring
        for entry, stem in zip(bucket, stems, strict=True)
        if stem not in paired and stem + suffix not in full_name_pairs
    ]
    # An image already paired through its stem is not counted again for a full-name sidecar.
    extra_pairs = sum(1 for name in full_name_pairs if name[: name.rfind(".")] not in paired)
    file_counts = {ext: stats[ext][0] for ext in sorted(stats)}
    storage_by_type = {ext: stats[ext][1] for ext in sorted(stats)}
    return PhotoStatsResult(
        total_files=sum(file_counts.values()),
        total_size=sum(storage_by_type.values()),
        file_counts=file_counts,
        storage_by_type=storage_by_type,
        metadata_extensions=sorted(ext for ext, kind in kinds.items() if kind == _METADATA),
        paired_count=len(image_stems & paired) + extra_pairs,
        orphaned_images=_by_folder(orphaned_images),
        orphaned_sidecars=_by_folder(orphaned_xmp),
        not_analysed={ext: _not_analysed(ignored[ext]) for ext in sorted(ignored)},
    )


def _by_folder(paths: list[str]) -> FilesByFolder:
    return FilesByFolder(count=len(paths), by_folder=names_by_folder(paths))


def _not_analysed(entries: list[FileEntry]) -> NotAnalysed:
    return NotAnalysed(
        count=len(entries),
        size=sum(map(_size, entries)),
        examples=nsmallest(_EXAMPLES, map(_path, entries)),
    )
