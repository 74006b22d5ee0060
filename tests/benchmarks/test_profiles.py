"""Each collection profile, generated small, has the shape it claims: measured from the tree on
disk and from the real analysis of it."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from benchmarks.collection import generate
from benchmarks.shapes.flat import FOLDER_FILES, FlatShoot
from tests.benchmarks.trees import Tree, analyse, listing

FILES = 5000
PHOTO_EXTENSIONS = {".cr3", ".nef", ".arw", ".dng", ".tif", ".jpg"}
VALID_STEM = re.compile(r"[A-Z0-9]{4}[0-9]{4}(-[A-Za-z0-9 _]+)*")


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Tree]:
    base = tmp_path_factory.mktemp("profiles")
    made = {}
    for profile in ("default", "selective", "messy", "flat"):
        generate(base / profile, FILES, progress=None, profile=profile)
        made[profile] = Tree.read(base / profile)
    return made


def _split(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    return (stem, "." + ext.lower()) if dot and stem else (name, "")


def _orphans(tree: Tree, raws: set[str]) -> tuple[int, int]:
    """Raws without an XMP of their stem, and XMPs without a photo of theirs, across folders."""
    by_stem: dict[str, set[str]] = defaultdict(set)
    for name in tree.names:
        stem, ext = _split(name)
        by_stem[stem].add(ext)
    orphan_raws = orphan_xmps = 0
    for name in tree.names:
        stem, ext = _split(name)
        if ext in raws and ".xmp" not in by_stem[stem]:
            orphan_raws += 1
        if ext == ".xmp" and not by_stem[stem] & PHOTO_EXTENSIONS:
            orphan_xmps += 1
    return orphan_raws, orphan_xmps


def test_every_profile_writes_exactly_the_files_asked_for(trees: dict[str, Tree]) -> None:
    for tree in trees.values():
        assert len(tree.paths) == FILES


def test_selective_most_images_reach_only_the_black_box_archive(
    trees: dict[str, Tree], tmp_path: Path
) -> None:
    tree = trees["selective"]
    validation = analyse(tree, tmp_path / "selective.json")["results"]["pipeline_validation"]
    images = validation["total_images"]
    assert 0.90 <= validation["overall_status"]["PARTIAL"] / images <= 0.97
    by_termination = validation["by_termination"]
    assert set(by_termination) == {"Black Box Archive", "Browsable Archive"}
    assert by_termination["Black Box Archive"]["CONSISTENT"] / images >= 0.9
    assert by_termination["Browsable Archive"]["PARTIAL"] / images >= 0.9
    # The few developed images are complete for both archives.
    assert by_termination["Browsable Archive"]["CONSISTENT"] > 0
    assert 0.002 <= validation["invalid_files_count"] / FILES <= 0.01


def test_selective_files_carry_separate_image_suffixes_and_some_orphans(
    trees: dict[str, Tree],
) -> None:
    tree = trees["selective"]
    separate = [n for n in tree.names if re.fullmatch(r"[A-Z0-9]{8}-[23]\.(CR3|xmp)", n)]
    assert 0.15 <= tree.share(len(separate)) <= 0.25
    orphan_raws, orphan_xmps = _orphans(tree, {".cr3"})
    assert 0.005 <= tree.share(orphan_raws) <= 0.02
    assert 0.005 <= tree.share(orphan_xmps) <= 0.02
    events = Counter(path.split("/")[1] for path in tree.paths)
    last = max(events)
    assert all(200 <= count <= 1000 for event, count in events.items() if event != last)


def test_messy_has_many_invalid_names_and_orphans_of_both_kinds(
    trees: dict[str, Tree], tmp_path: Path
) -> None:
    tree = trees["messy"]
    validation = analyse(tree, tmp_path / "messy.json")["results"]["pipeline_validation"]
    assert 0.03 <= validation["invalid_files_count"] / FILES <= 0.10
    assert validation["overall_status"]["INCONSISTENT"] > 0  # default names that parse alone
    orphan_raws, orphan_xmps = _orphans(tree, {".cr3", ".nef", ".arw"})
    assert tree.share(orphan_raws) >= 0.02
    assert tree.share(orphan_xmps) >= 0.02
    names = tree.names
    for default_name in (r"IMG_\d{4}\.(JPG|CR3)", r"DSC_\d{4}\.NEF", r"_DSC\d{4}\.ARW"):
        assert any(re.fullmatch(default_name, name) for name in names), default_name
    assert any(" " in name for name in names)
    assert any(not name.isascii() for name in names)


def test_messy_reuses_names_across_deep_folders_and_holds_uncounted_types(
    trees: dict[str, Tree],
) -> None:
    tree = trees["messy"]
    folders_of: dict[str, set[str]] = defaultdict(set)
    for path in tree.paths:
        folder, name = path.rsplit("/", 1)
        if VALID_STEM.fullmatch(_split(name)[0]):
            folders_of[name].add(folder)
    assert sum(len(folders) > 1 for folders in folders_of.values()) >= 10
    depths = [path.count("/") for path in tree.paths]
    assert min(depths) >= 8
    assert max(depths) <= 12
    assert max(depths) >= 11
    extensions = Counter(_split(name)[1] for name in tree.names)
    uncounted = {".heic", ".orf", ".rw2", ".psd", ".mov"}
    assert all(extensions[ext] > 0 for ext in uncounted), extensions
    foreign = sum(extensions[ext] for ext in (*uncounted, ".mp4", ".aae", ".png"))
    assert 0.03 <= tree.share(foreign) <= 0.10


def test_flat_puts_tens_of_thousands_of_files_in_one_folder(trees: dict[str, Tree]) -> None:
    # Below the smallest folder, the whole collection is one folder.
    assert len({path.rsplit("/", 1)[0] for path in trees["flat"].paths}) == 1
    # Above it, every folder holds 50,000-100,000 files (planned, not written: no disk needed).
    shape = FlatShoot(2024)
    for _ in range(3):
        event = shape.event(10**9)
        assert len({folder for folder, *_ in event}) == 1
        assert FOLDER_FILES[0] <= len(event) <= FOLDER_FILES[1]


def test_the_default_profile_is_the_original_tree(tmp_path: Path) -> None:
    """Digests of the tree the generator wrote before profiles existed (commit 8f2b717), for two
    sizes and seeds: any change to what the default shape draws changes them."""
    expected = {
        (3000, 2024): "2918b6bdd07e01d235fb562f82eecde6e3bb4713d66fa81a4af75d9e43df2e27",
        (2500, 7): "5a143c01f94d6b0f6bb149e833921f4ff08ea9afd784cca00d0e74cd1aa8d9c7",
    }
    for (files, seed), digest in expected.items():
        root = tmp_path / f"{files}-{seed}"
        generate(root, files, seed, progress=None)
        lines = "".join(f"{rel}|{size}|{mtime}\n" for rel, size, mtime in listing(root / "photos"))
        assert hashlib.sha256(lines.encode("utf-8")).hexdigest() == digest
