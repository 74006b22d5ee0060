"""PhotoStats: file counts and storage per type, and sidecar pairing by stem (analysis spec 4, D11).

Counting covers photo and metadata files only. Pairing groups files by exact, case-sensitive stem
across folders: a stem with an image and a sidecar is paired; a stem with images but no sidecar
orphans the images that require one; a stem with sidecars but no image orphans the sidecars.
A full-name sidecar (`IMG_1.CR3.xmp`, as darktable writes) belongs to the image whose whole
basename is its stem (`IMG_1.CR3`, exact case) and pairs that image alone.

This runs over every file of the collection (a million in the benchmark), so the loop works on
plain tuples, dicts and sets, and slices each path once.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from ..config import normalise_extension
from ..files import FileEntry
from ..results import PhotoStatsResult

__all__ = ["photostats"]

# What an extension means to PhotoStats; a photo extension that is also listed as metadata counts
# as a photo, so no file is ever its own sidecar.
_PHOTO = 1
_REQUIRING = 2
_METADATA = 3


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
    entries: Iterable[FileEntry],
    *,
    photo_extensions: Collection[str],
    metadata_extensions: Collection[str],
    require_sidecar: Collection[str],
) -> PhotoStatsResult:
    """Count, size and pair the photo and metadata files among `entries`.

    Extensions are compared lowercase on both sides. `invalid_xmp` is left None: reading the
    sidecars needs the disk, which the caller owns (see `common.xmp.check_sidecars`).
    """
    kinds = _kinds(photo_extensions, metadata_extensions, require_sidecar)
    lowered: dict[str, str] = {}  # raw extension -> lowercase, so each spelling is lowered once
    stats: dict[str, list[int]] = {}  # extension -> [count, bytes]
    image_stems: set[str] = set()
    image_names: set[str] = set()
    requiring: dict[str, list[str]] = {}  # stem -> paths of images that require a sidecar
    sidecars: dict[str, list[str]] = {}  # stem -> paths of metadata files

    for path, size, _mtime in entries:
        slash = path.rfind("/")
        dot = path.rfind(".")
        if dot <= slash:  # no extension: neither photo nor metadata
            continue
        raw = path[dot:]
        ext = lowered.get(raw)
        if ext is None:
            ext = lowered[raw] = raw.lower()
        kind = kinds.get(ext)
        if kind is None:
            continue
        counted = stats.get(ext)
        if counted is None:
            stats[ext] = [1, size]
        else:
            counted[0] += 1
            counted[1] += size
        stem = path[slash + 1 : dot]
        if kind == _METADATA:
            paths = sidecars.get(stem)
            if paths is None:
                sidecars[stem] = [path]
            else:
                paths.append(path)
            continue
        image_stems.add(stem)
        image_names.add(path[slash + 1 :])
        if kind == _REQUIRING:
            paths = requiring.get(stem)
            if paths is None:
                requiring[stem] = [path]
            else:
                paths.append(path)

    # A sidecar whose stem is an image's whole basename is that image's full-name sidecar.
    full_name_pairs = image_names.intersection(sidecars)
    orphaned_xmp = [
        path
        for stem, paths in sidecars.items()
        if stem not in image_stems and stem not in full_name_pairs
        for path in paths
    ]
    orphaned_images = [
        path
        for stem, paths in requiring.items()
        if stem not in sidecars
        for path in paths
        if path[path.rfind("/") + 1 :] not in full_name_pairs
    ]
    paired_stems = image_stems.intersection(sidecars)
    # An image already paired through its stem is not counted again for a full-name sidecar.
    extra_pairs = sum(1 for name in full_name_pairs if name[: name.rfind(".")] not in sidecars)
    orphaned_xmp.sort()
    orphaned_images.sort()

    file_counts = {ext: stats[ext][0] for ext in sorted(stats)}
    storage_by_type = {ext: stats[ext][1] for ext in sorted(stats)}
    return PhotoStatsResult(
        total_files=sum(file_counts.values()),
        total_size=sum(storage_by_type.values()),
        file_counts=file_counts,
        storage_by_type=storage_by_type,
        metadata_extensions=sorted(ext for ext, kind in kinds.items() if kind == _METADATA),
        paired_count=len(paired_stems) + extra_pairs,
        orphaned_images=orphaned_images,
        orphaned_xmp=orphaned_xmp,
    )
