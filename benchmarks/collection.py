"""A deterministic synthetic photo collection for benchmarking `shuttersense analyze`.

    python -m benchmarks.collection DIR --files 1000000 [--seed 2024] [--force]

writes, under DIR:

- `photos/`: the collection, a photographer's tree `YYYY/YYYY-MM/YYYY-MM-DD Event/` (200-2000
  files per event, JPG exports sometimes in an `Export/` subfolder). Camera bodies have IDs such as
  AB3D, XY7Z, R5M2; their counters run 0001-9999 and a body that wraps gets a new ID, so every
  group ID stays unique. Each image follows one of the workflows of `pipeline.yaml` (CR3 + XMP,
  DxO DNG, Topaz or creative TIF, JPG exports, `-2` separate images, DxO sidecars); about 1 % are
  orphans (CR3 without XMP, XMP without image), about 0.5 % have invalid names (`ab3d0001.CR3`,
  `IMG_1234.JPG`, `AB3D0000.CR3`) and every folder has some unrelated files (`.DS_Store`, notes).
- `pipeline.yaml`: a copy of benchmarks/pipeline.yaml, the pipeline the collection follows.
- `collection.json`: the marker. It is written last, so a complete marker means a complete tree;
  `ensure_collection` reuses a tree whose marker matches the requested files, seed and version.

Files are sparse (`ftruncate` to a realistic size: CR3 25-45 MB, DNG 60-90 MB, TIF 100-150 MB,
JPG 3-8 MB, XMP 8-20 KB), so a million files cost inodes, not terabytes. Names, sizes and mtimes
all come from one seeded `random.Random`: the same (files, seed) always gives the same files
(folder mtimes aside).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from random import Random

__all__ = [
    "DEFAULT_SEED",
    "GENERATOR_VERSION",
    "MARKER_NAME",
    "PHOTOS_DIR",
    "PIPELINE_NAME",
    "CollectionError",
    "ensure_collection",
    "generate",
    "read_marker",
]

GENERATOR_VERSION = 1
DEFAULT_SEED = 2024
MARKER_NAME = "collection.json"
PHOTOS_DIR = "photos"
PIPELINE_NAME = "pipeline.yaml"
PIPELINE_SOURCE = Path(__file__).with_name(PIPELINE_NAME)
# What may sit in a generated DIR: the collection, its pipeline and marker, and the outputs that
# benchmarks.run writes beside them (analysis.json, report.html, logs/).
OWN_NAMES = frozenset(
    {
        PHOTOS_DIR,
        PIPELINE_NAME,
        MARKER_NAME,
        MARKER_NAME + ".tmp",
        "analysis.json",
        "report.html",
        "logs",
    }
)

MB = 1024 * 1024
KB = 1024
DAY = 86_400

# Size ranges in bytes, per kind of file.
SIZES = {
    "cr3": (25 * MB, 45 * MB),
    "dng": (60 * MB, 90 * MB),
    "tif": (100 * MB, 150 * MB),
    "jpg": (3 * MB, 8 * MB),
    "xmp": (8 * KB, 20 * KB),
    "phone": (2 * MB, 5 * MB),
    "txt": (200, 4 * KB),
}

# Image workflows and their weights; each name is explained in `_image_files`.
FAMILIES: tuple[tuple[str, int], ...] = (
    ("dng_jpg", 440),  # CR3 + XMP + DxO DNG + JPG from the DNG
    ("topaz", 150),  # ... + Topaz TIF + JPG from the TIF
    ("creative", 50),  # ... + HDR / Focus Stack / BW TIF + its JPG
    ("dng_xmp", 60),  # CR3 + XMP + DNG + DxO's own XMP + JPG (an extra file: warning)
    ("separate", 40),  # a dng_jpg image plus a `-2` separate image with its own files
    ("dng_only", 60),  # processed, not exported yet (PARTIAL for the Browsable Archive)
    ("raw_only", 130),  # not processed yet (PARTIAL)
    ("cr3_no_xmp", 5),  # orphan: CR3 without its sidecar
    ("xmp_only", 5),  # orphan: sidecar whose raw was deleted
    ("invalid", 20),  # a badly named file: about 0.5 % of all files
)
CREATIVE_METHODS = ("HDR", "Focus Stack", "BW")
INITIAL_CAMERAS = ("AB3D", "XY7Z", "R5M2")
CAMERA_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
EVENT_KINDS = (
    "Wedding",
    "Portraits",
    "Landscape",
    "Family",
    "Concert",
    "Street",
    "Wildlife",
    "Travel",
    "Studio",
    "Football",
    "Birthday",
    "Architecture",
)
EVENT_PLACES = (
    "Smith",
    "Lake Tahoe",
    "Old Town",
    "Riverside",
    "Yosemite",
    "Harbour",
    "Garcia",
    "City Hall",
    "Botanical Garden",
    "Nguyen",
    "Coast",
    "Studio B",
)


class CollectionError(Exception):
    """The target folder cannot be used for a generated collection."""


@dataclass
class _Camera:
    camera_id: str
    counter: int = 0


@dataclass
class _Stats:
    files: int = 0
    folders: int = 0
    images: int = 0
    families: Counter[str] = field(default_factory=Counter)
    extensions: Counter[str] = field(default_factory=Counter)
    apparent_bytes: int = 0
    camera_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "folders": self.folders,
            "images": self.images,
            "families": dict(sorted(self.families.items())),
            "extensions": dict(sorted(self.extensions.items())),
            "apparent_bytes": self.apparent_bytes,
            "camera_ids": len(self.camera_ids),
        }


# One file to create: (folder relative to photos/, name, size, mtime in ns).
_File = tuple[str, str, int, int]


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = Random(seed)
        self.used_ids: set[str] = set(INITIAL_CAMERAS)
        self.cameras = [_Camera(camera_id) for camera_id in INITIAL_CAMERAS]
        self.stats = _Stats(camera_ids=list(INITIAL_CAMERAS))
        self.day = date(2015, 3, 1)
        self.phone_counter = 1000
        self.zero_counters: set[str] = set()
        names = [name for name, _ in FAMILIES]
        weights = [weight for _, weight in FAMILIES]
        self._families = names
        self._cum_weights = [sum(weights[: i + 1]) for i in range(len(weights))]

    # -- names -------------------------------------------------------------------------------

    def _new_camera_id(self) -> str:
        while True:
            camera_id = "".join(self.rng.choices(CAMERA_ALPHABET, k=4))
            if camera_id not in self.used_ids and not camera_id.isdigit():
                self.used_ids.add(camera_id)
                self.stats.camera_ids.append(camera_id)
                return camera_id

    def _next_group(self, camera: _Camera) -> str:
        """The next group ID of a body; deleted frames skip counters; a wrap gets a new ID."""
        step = 1 if self.rng.random() < 0.9 else self.rng.randint(2, 6)
        camera.counter += step
        if camera.counter > 9999:
            camera.camera_id = self._new_camera_id()
            camera.counter = 1
        return f"{camera.camera_id}{camera.counter:04d}"

    def _size(self, kind: str) -> int:
        low, high = SIZES[kind]
        return self.rng.randint(low, high)

    # -- one event folder --------------------------------------------------------------------

    def event(self, budget: int) -> list[_File]:
        """The files of the next event folder: about 200-2000, never more than `budget`."""
        rng = self.rng
        self.day += timedelta(days=rng.randint(1, 6))
        label = f"{rng.choice(EVENT_KINDS)} {rng.choice(EVENT_PLACES)}"
        folder = f"{self.day:%Y}/{self.day:%Y-%m}/{self.day:%Y-%m-%d} {label}"
        export = folder + "/Export" if rng.random() < 0.3 else folder
        target = min(budget, rng.randint(200, 2000))
        start = int(datetime(self.day.year, self.day.month, self.day.day, tzinfo=UTC).timestamp())
        shot_time = start + rng.randint(7 * 3600, 15 * 3600)
        primary, secondary = rng.sample(self.cameras, 2)

        files: list[_File] = [(folder, ".DS_Store", rng.choice((6148, 8196, 10244)), start)]
        if rng.random() < 0.25:
            files.append((folder, "shoot notes.txt", self._size("txt"), start + DAY))
        if export != folder:
            files.append((export, ".DS_Store", 6148, start + 3 * DAY))
        while len(files) < target:
            shot_time += rng.randint(1, 90)
            camera = primary if rng.random() < 0.85 else secondary
            family = rng.choices(self._families, cum_weights=self._cum_weights)[0]
            files.extend(self._image_files(family, camera, folder, export, shot_time))
        return files[:target]

    def _image_files(
        self, family: str, camera: _Camera, folder: str, export: str, shot: int
    ) -> list[_File]:
        rng = self.rng
        self.stats.families[family] += 1
        if family == "invalid":
            return [self._invalid_file(camera, folder, shot)]
        group = self._next_group(camera)
        if family != "xmp_only":
            self.stats.images += 1

        def at(days_low: float, days_high: float) -> int:
            return shot + int(rng.uniform(days_low, days_high) * DAY)

        raw = (folder, f"{group}.CR3", self._size("cr3"), shot)
        xmp = (folder, f"{group}.xmp", self._size("xmp"), at(0.5, 3))
        if family == "cr3_no_xmp":
            return [raw]
        if family == "xmp_only":
            return [xmp]
        if family == "raw_only":
            return [raw, xmp]
        dng = (folder, f"{group}-DxO.dng", self._size("dng"), at(3, 10))
        if family == "dng_only":
            return [raw, xmp, dng]
        jpg = (export, f"{group}-DxO.jpg", self._size("jpg"), at(10, 20))
        if family == "dng_jpg":
            return [raw, xmp, dng, jpg]
        if family == "dng_xmp":
            return [raw, xmp, dng, (folder, f"{group}-DxO.xmp", self._size("xmp"), at(3, 10)), jpg]
        if family in ("topaz", "creative"):
            method = "Topaz" if family == "topaz" else rng.choice(CREATIVE_METHODS)
            tif = (folder, f"{group}-DxO-{method}.tif", self._size("tif"), at(10, 30))
            tif_jpg = (export, f"{group}-DxO-{method}.jpg", self._size("jpg"), at(30, 40))
            return [raw, xmp, dng, tif, tif_jpg]
        # "separate": a second image under the same counter; its marker follows every method.
        self.stats.images += 1
        return [
            raw,
            xmp,
            dng,
            jpg,
            (folder, f"{group}-2.CR3", self._size("cr3"), shot + 1),
            (folder, f"{group}-2.xmp", self._size("xmp"), at(0.5, 3)),
            (folder, f"{group}-DxO-2.dng", self._size("dng"), at(3, 10)),
            (export, f"{group}-DxO-2.jpg", self._size("jpg"), at(10, 20)),
        ]

    def _invalid_file(self, camera: _Camera, folder: str, shot: int) -> _File:
        """A name the grammar rejects: a phone picture, a lowercase camera ID or counter 0000."""
        kind = self.rng.random()
        if 0.5 <= kind < 0.8:
            group = self._next_group(camera)
            return (folder, f"{group.lower()}.CR3", self._size("cr3"), shot)
        zero = f"{camera.camera_id}0000"
        if kind >= 0.8 and zero not in self.zero_counters:
            self.zero_counters.add(zero)
            return (folder, f"{zero}.CR3", self._size("cr3"), shot)
        self.phone_counter += 1
        return (folder, f"IMG_{self.phone_counter:04d}.JPG", self._size("phone"), shot)


# -- writing ---------------------------------------------------------------------------------

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _write_folder(photos: Path, folder: str, files: list[_File]) -> None:
    """Create the sparse files of one folder, opening them relative to the folder's fd."""
    path = photos / folder
    path.mkdir(parents=True, exist_ok=True)
    dir_fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        for _, name, size, mtime in files:
            fd = os.open(name, _FLAGS, 0o644, dir_fd=dir_fd)
            try:
                os.ftruncate(fd, size)
                ns = mtime * 1_000_000_000
                os.utime(fd, ns=(ns, ns))
            finally:
                os.close(fd)
    finally:
        os.close(dir_fd)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def generate(
    root: Path | str,
    files: int,
    seed: int = DEFAULT_SEED,
    progress: Callable[[str], None] | None = _stderr,
) -> dict[str, object]:
    """Write `files` files under `root/photos`, the pipeline and the marker; return the marker.

    `root/photos` must not exist yet. The marker is written last.
    """
    if files < 1:
        raise CollectionError("--files must be at least 1")
    root = Path(root)
    photos = root / PHOTOS_DIR
    if photos.exists():
        raise CollectionError(f"{photos} already exists; remove it or use --force")
    root.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda message: None)
    started = time.perf_counter()
    gen = _Generator(seed)
    stats = gen.stats
    next_report = 0
    while stats.files < files:
        event = gen.event(files - stats.files)
        by_folder: dict[str, list[_File]] = {}
        for item in event:
            by_folder.setdefault(item[0], []).append(item)
        for folder, items in by_folder.items():
            _write_folder(photos, folder, items)
            stats.folders += 1
        for _, name, size, _ in event:
            stats.extensions[os.path.splitext(name)[1].lower() or name] += 1
            stats.apparent_bytes += size
        stats.files += len(event)
        if stats.files >= next_report or stats.files == files:
            elapsed = time.perf_counter() - started
            rate = stats.files / elapsed if elapsed else 0.0
            report(f"  {stats.files:>9,} / {files:,} files  {elapsed:6.1f} s  {rate:,.0f} files/s")
            next_report = stats.files + max(files // 20, 1)
    shutil.copyfile(PIPELINE_SOURCE, root / PIPELINE_NAME)
    marker: dict[str, object] = {
        "generator_version": GENERATOR_VERSION,
        "files": files,
        "seed": seed,
        "photos": PHOTOS_DIR,
        "pipeline": PIPELINE_NAME,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "generation_seconds": round(time.perf_counter() - started, 2),
        "stats": stats.as_dict(),
    }
    tmp = root / (MARKER_NAME + ".tmp")
    tmp.write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    tmp.replace(root / MARKER_NAME)
    return marker


def read_marker(root: Path | str) -> dict[str, object] | None:
    """The marker of a generated collection under `root`, or None when there is none."""
    try:
        data = json.loads((Path(root) / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _matches(marker: dict[str, object] | None, files: int, seed: int) -> bool:
    return (
        marker is not None
        and marker.get("generator_version") == GENERATOR_VERSION
        and marker.get("files") == files
        and marker.get("seed") == seed
    )


def ensure_collection(
    root: Path | str,
    files: int,
    seed: int = DEFAULT_SEED,
    force: bool = False,
    progress: Callable[[str], None] | None = _stderr,
) -> tuple[dict[str, object], bool]:
    """Reuse the collection under `root` when its marker matches, else (re)generate it.

    Returns (marker, generated). A tree left by this module (marker present, or an interrupted
    run: `photos/` beside our pipeline copy) is replaced; any other non-empty `root` is refused,
    so a typo in --dir never deletes somebody's photos.
    """
    root = Path(root)
    marker = read_marker(root)
    if not force and _matches(marker, files, seed):
        # Refresh the pipeline copy: the committed pipeline may have been edited since.
        shutil.copyfile(PIPELINE_SOURCE, root / PIPELINE_NAME)
        assert marker is not None
        return marker, False
    if root.exists() and any(root.iterdir()):
        ours = marker is not None or (root / PIPELINE_NAME).exists()
        unexpected = {p.name for p in root.iterdir()} - OWN_NAMES
        if not ours or unexpected:
            raise CollectionError(
                f"{root} is not empty and was not made by benchmarks.collection; pick another --dir"
            )
        report = progress or (lambda message: None)
        report(f"removing the previous collection in {root} ...")
        (root / MARKER_NAME).unlink(missing_ok=True)
        shutil.rmtree(root / PHOTOS_DIR, ignore_errors=True)
    return generate(root, files, seed, progress), True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.collection",
        description="Generate a deterministic sparse photo collection for benchmarks.",
    )
    parser.add_argument("dir", type=Path, help="target folder (collection goes to DIR/photos)")
    parser.add_argument("--files", type=int, default=100_000, help="number of files (100000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument(
        "--force", action="store_true", help="regenerate even when the marker matches"
    )
    args = parser.parse_args(argv)
    try:
        marker, generated = ensure_collection(args.dir, args.files, args.seed, args.force)
    except CollectionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    verb = "generated" if generated else "reused"
    print(
        f"{verb} {marker['files']:,} files in {args.dir / PHOTOS_DIR} "
        f"(pipeline: {args.dir / PIPELINE_NAME})"
    )
    print(json.dumps(marker["stats"], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
