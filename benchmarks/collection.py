"""Deterministic synthetic photo collections for benchmarking `shuttersense analyze`.

    python -m benchmarks.collection DIR --files 1000000 [--seed 2024] [--force] [--profile NAME|all]

writes, under the collection's folder (DIR itself, or DIR/<profile> with --profile):

- `photos/`: the collection, in the shape of its profile (benchmarks/profiles.py; `default`, the
  original benchmark tree, when no profile is given);
- `pipeline.yaml`: a copy of the profile's pipeline, the one its images follow;
- `collection.json`: the marker. It is written last, so a complete marker means a complete tree;
  `ensure_collection` reuses a tree whose marker matches the requested profile, files, seed and
  the profile's generator version.

Files are sparse (`ftruncate` to a realistic size: CR3 25-45 MB, DNG 60-90 MB, TIF 100-150 MB,
JPG 3-8 MB, XMP 8-20 KB), so a million files cost inodes, not terabytes. Names, sizes and mtimes
all come from one seeded `random.Random`: the same (profile, files, seed) always gives the same
files (folder mtimes aside).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from .profiles import ALL, DEFAULT_PROFILE, PROFILES, Profile, select_profiles
from .shapes.base import File

__all__ = [
    "DEFAULT_SEED",
    "MARKER_NAME",
    "OWN_NAMES",
    "PHOTOS_DIR",
    "PIPELINE_NAME",
    "CollectionError",
    "ensure_collection",
    "generate",
    "profile_root",
    "read_marker",
]

DEFAULT_SEED = 2024
MARKER_NAME = "collection.json"
PHOTOS_DIR = "photos"
PIPELINE_NAME = "pipeline.yaml"
# What may sit in a generated folder: the collection, its pipeline and marker, and the outputs
# that benchmarks.run writes beside them (analysis.json, report.html, logs/).
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


class CollectionError(Exception):
    """The target folder cannot be used for a generated collection."""


def profile_root(base: Path, profile: str) -> Path:
    """Where the collection of `profile` lives when several profiles share `base`."""
    return base / profile


def _profile(name: str) -> Profile:
    if name not in PROFILES:
        raise CollectionError(f"unknown profile {name!r}; choose from {', '.join(PROFILES)}")
    return PROFILES[name]


_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _write_folder(photos: Path, folder: str, files: list[File]) -> None:
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
    profile: str = DEFAULT_PROFILE,
) -> dict[str, object]:
    """Write `files` files of `profile` under `root/photos`, its pipeline and the marker.

    `root/photos` must not exist yet. The marker is written last and returned.
    """
    if files < 1:
        raise CollectionError("--files must be at least 1")
    chosen = _profile(profile)
    root = Path(root)
    photos = root / PHOTOS_DIR
    if photos.exists():
        raise CollectionError(f"{photos} already exists; remove it or use --force")
    root.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda message: None)
    started = time.perf_counter()
    shape = chosen.shape(seed)
    stats = shape.stats
    next_report = 0
    while stats.files < files:
        event = shape.event(files - stats.files)
        by_folder: dict[str, list[File]] = {}
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
    shutil.copyfile(chosen.pipeline, root / PIPELINE_NAME)
    marker: dict[str, object] = {
        "profile": chosen.name,
        "generator_version": chosen.version,
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


def _matches(marker: dict[str, object] | None, profile: Profile, files: int, seed: int) -> bool:
    # Markers from before profiles existed are all of the default tree.
    return (
        marker is not None
        and marker.get("profile", DEFAULT_PROFILE) == profile.name
        and marker.get("generator_version") == profile.version
        and marker.get("files") == files
        and marker.get("seed") == seed
    )


def ensure_collection(
    root: Path | str,
    files: int,
    seed: int = DEFAULT_SEED,
    force: bool = False,
    progress: Callable[[str], None] | None = _stderr,
    profile: str = DEFAULT_PROFILE,
) -> tuple[dict[str, object], bool]:
    """Reuse the collection under `root` when its marker matches, else (re)generate it.

    Returns (marker, generated). A tree left by this module (marker present, or an interrupted
    run: `photos/` beside our pipeline copy) is replaced; any other non-empty `root` is refused,
    so a typo in --dir never deletes somebody's photos.
    """
    root = Path(root)
    chosen = _profile(profile)
    marker = read_marker(root)
    if not force and _matches(marker, chosen, files, seed):
        # Refresh the pipeline copy: the committed pipeline may have been edited since.
        shutil.copyfile(chosen.pipeline, root / PIPELINE_NAME)
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
    return generate(root, files, seed, progress, chosen.name), True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.collection",
        description="Generate a deterministic sparse photo collection for benchmarks.",
    )
    parser.add_argument(
        "dir", type=Path, help="target folder (DIR/photos, or DIR/<profile>/photos with --profile)"
    )
    parser.add_argument("--files", type=int, default=100_000, help="number of files (100000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument(
        "--force", action="store_true", help="regenerate even when the marker matches"
    )
    parser.add_argument(
        "--profile",
        help=f"shape of the collection: {', '.join(PROFILES)} or {ALL} (default: {DEFAULT_PROFILE},"
        " in DIR itself)",
    )
    args = parser.parse_args(argv)
    try:
        chosen = select_profiles(args.profile or DEFAULT_PROFILE)
    except ValueError as exc:
        parser.error(str(exc))
    for profile in chosen:
        root = args.dir if args.profile is None else profile_root(args.dir, profile.name)
        try:
            marker, generated = ensure_collection(
                root, args.files, args.seed, args.force, profile=profile.name
            )
        except CollectionError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        verb = "generated" if generated else "reused"
        print(
            f"{verb} {marker['files']:,} files of profile {profile.name} in {root / PHOTOS_DIR} "
            f"(pipeline: {root / PIPELINE_NAME})"
        )
        print(json.dumps(marker["stats"], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
