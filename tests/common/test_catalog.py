"""The shared classification pass: files by suffix, stems, and selections in listing order."""

from __future__ import annotations

from collections import defaultdict

from shuttersense.common.catalog import Catalog, append_each, extension_of_suffix
from shuttersense.common.files import FileEntry, split_name

PATHS = (
    "b/AB3D0002.CR3",
    "a/AB3D0001.xmp",
    "a/AB3D0001.cr3",
    "README",
    "St. Louis/notes",
    ".DS_Store",
    "a/AB3D0001.CR3",
    "x/IMG_1.CR3.xmp",
)


def catalog(*paths: str) -> Catalog:
    return Catalog([FileEntry(path, len(path), 0.0) for path in paths])


def test_files_are_filed_by_suffix_as_written_in_listing_order() -> None:
    found = {suffix: [e.path for e in files] for suffix, files in catalog(*PATHS).by_suffix.items()}
    assert found[".CR3"] == ["b/AB3D0002.CR3", "a/AB3D0001.CR3"]
    assert found[".cr3"] == ["a/AB3D0001.cr3"]
    assert found[".xmp"] == ["a/AB3D0001.xmp", "x/IMG_1.CR3.xmp"]
    assert sum(len(files) for files in found.values()) == len(PATHS)


def test_suffixes_without_an_extension_are_recognised() -> None:
    assert extension_of_suffix(".CR3") == ".cr3"
    assert extension_of_suffix(".DS_Store") == ".ds_store"
    assert extension_of_suffix("E") is None  # `README`: the last character
    assert extension_of_suffix(". Louis/notes") is None  # the dot is in a folder name


def test_stems_match_split_name_for_files_with_an_extension() -> None:
    listing = catalog(*PATHS)
    for suffix, stems in listing.stems_by_suffix.items():
        if extension_of_suffix(suffix) is None:
            continue
        names = [e.path.rpartition("/")[2] for e in listing.by_suffix[suffix]]
        assert stems == [split_name(name)[0] for name in names]


def test_selections_keep_listing_order_across_suffixes() -> None:
    listing = catalog(*PATHS)
    photos = listing.suffixes({".cr3"})
    assert sorted(photos) == [".CR3", ".cr3"]
    assert [e.path for e in listing.select(photos)] == [
        "b/AB3D0002.CR3",
        "a/AB3D0001.cr3",
        "a/AB3D0001.CR3",
    ]
    assert listing.select_stems(photos) == ["AB3D0002", "AB3D0001", "AB3D0001"]
    assert listing.select([".tif"]) == []


def test_of_reuses_a_catalog_and_reads_a_generator_once() -> None:
    listing = catalog(*PATHS)
    assert Catalog.of(listing) is listing
    once = Catalog.of(FileEntry(path, 1, 0.0) for path in PATHS)
    assert len(once.entries) == len(PATHS)


def test_append_each_files_items_under_their_keys_in_order() -> None:
    buckets: defaultdict[str, list[int]] = defaultdict(list)
    append_each(buckets, ["a", "b", "a", "c", "a"], range(5))
    append_each(buckets, iter(["b"]), iter([9]))
    assert buckets == {"a": [0, 2, 4], "b": [1, 9], "c": [3]}
    assert list(buckets) == ["a", "b", "c"]
