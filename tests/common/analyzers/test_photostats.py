"""PhotoStats: counting, storage and sidecar pairing (analysis spec 4.2, 4.3 and D11)."""

from __future__ import annotations

from collections.abc import Iterator

from shuttersense.common.analyzers.photostats import photostats
from shuttersense.common.config import TeamConfig
from shuttersense.common.files import FileEntry
from shuttersense.common.name_runs import expand
from shuttersense.common.results import FolderNames, PhotoStatsResult

DEFAULTS = TeamConfig()


def stats(*files: str | tuple[str, int], config: TeamConfig = DEFAULTS) -> PhotoStatsResult:
    listed = [
        FileEntry(f, 10, 0.0) if isinstance(f, str) else FileEntry(f[0], f[1], 0.0) for f in files
    ]
    return photostats(
        listed,
        photo_extensions=config.photo_extensions,
        metadata_extensions=config.metadata_extensions,
        require_sidecar=config.require_sidecar,
    )


def _paths(by_folder: FolderNames) -> list[str]:
    return [
        f"{dir}/{name}" if dir else name
        for dir, names in by_folder.items()
        for name in expand(names)
    ]


def orphans(result: PhotoStatsResult) -> tuple[list[str], list[str]]:
    images, sidecars = result.orphaned_images, result.orphaned_sidecars
    assert images.count == len(_paths(images.by_folder))
    assert sidecars.count == len(_paths(sidecars.by_folder))
    return _paths(images.by_folder), _paths(sidecars.by_folder)


def test_counts_and_storage_by_lowercase_extension_ignoring_other_files() -> None:
    result = stats(
        ("a/AB3D0001.CR3", 1000),
        ("b/AB3D0002.cr3", 500),
        ("AB3D0001.xmp", 7),
        ("AB3D0001.JPG", 300),
        ("notes.txt", 99_999),
        ("README", 5),
        (".DS_Store", 6),
    )

    assert result.file_counts == {".cr3": 2, ".jpg": 1, ".xmp": 1}
    assert result.storage_by_type == {".cr3": 1500, ".jpg": 300, ".xmp": 7}
    assert list(result.file_counts) == sorted(result.file_counts)
    assert (result.total_files, result.total_size) == (4, 1807)
    assert result.invalid_xmp is None


def test_files_no_tool_counts_are_listed_by_extension() -> None:
    result = stats(
        ("a/IMG_1.HEIC", 100),
        ("b/IMG_2.heic", 50),
        ("c/P1.ORF", 7),
        ("notes.txt", 3),
        ("README", 5),
        (".DS_Store", 6),
        ("folder.d/noext", 1),
        config=TeamConfig(photo_extensions=[".cr3"], require_sidecar=[".cr3"]),
    )
    assert result.total_files == 0
    found = {e: (item.count, item.size, item.examples) for e, item in result.not_analysed.items()}
    assert found == {
        "": (2, 6, ["README", "folder.d/noext"]),
        ".ds_store": (1, 6, [".DS_Store"]),
        ".heic": (2, 150, ["a/IMG_1.HEIC", "b/IMG_2.heic"]),
        ".orf": (1, 7, ["c/P1.ORF"]),
        ".txt": (1, 3, ["notes.txt"]),
    }


def test_not_analysed_keeps_a_few_examples_of_many() -> None:
    result = stats(*(f"f/{n:03d}.mov" for n in range(50)))
    [(ext, item)] = result.not_analysed.items()
    assert (ext, item.count, item.examples) == (".mov", 50, ["f/000.mov", "f/001.mov", "f/002.mov"])


def test_default_extensions_cover_current_raw_formats_and_heic() -> None:
    result = stats("a/P1000001.RW2", "a/P1000001.xmp", "b/IMGP0001.PEF", "c/IMG_0001.HEIC")
    assert result.file_counts == {".heic": 1, ".pef": 1, ".rw2": 1, ".xmp": 1}
    assert orphans(result) == (["b/IMGP0001.PEF"], [])
    assert result.not_analysed == {}


def test_orphans_are_listed_by_folder() -> None:
    result = stats("2023/b/X2.CR3", "2023/a/X1.CR3", "2023/a/X0.CR3", "top.xmp")
    assert result.orphaned_images.by_folder == {
        "2023/a": ["X0.CR3", "X1.CR3"],
        "2023/b": ["X2.CR3"],
    }
    assert result.orphaned_sidecars.by_folder == {"": ["top.xmp"]}


def test_stem_with_image_and_sidecar_is_paired() -> None:
    result = stats("IMG_1.CR3", "IMG_1.jpg", "IMG_1.xmp", "IMG_1.txt")
    assert orphans(result) == ([], [])
    assert result.paired_count == 1


def test_stem_pairing_crosses_folders() -> None:
    result = stats("raw/IMG_1.CR3", "sidecars/deep/IMG_1.xmp")
    assert orphans(result) == ([], [])
    assert result.paired_count == 1


def test_stem_match_is_case_sensitive() -> None:
    result = stats("IMG_1.CR3", "img_1.xmp")
    assert orphans(result) == (["IMG_1.CR3"], ["img_1.xmp"])
    assert result.paired_count == 0


def test_same_image_in_two_folders_without_sidecar_is_orphaned_twice() -> None:
    result = stats("b/IMG_6.cr3", "a/IMG_6.cr3")
    assert orphans(result) == (["a/IMG_6.cr3", "b/IMG_6.cr3"], [])


def test_only_images_that_require_a_sidecar_are_orphaned() -> None:
    result = stats("IMG_2.jpg", "IMG_3.tif", "IMG_4.CR3", "IMG_4.JPG")
    assert orphans(result) == (["IMG_4.CR3"], [])


def test_sidecar_without_any_image_is_orphaned_even_next_to_other_files() -> None:
    result = stats("IMG_5.xmp", "x/IMG_5.XMP", "IMG_5.txt", "IMG_7.xmp", "IMG_7.jpg")
    assert orphans(result) == ([], ["IMG_5.xmp", "x/IMG_5.XMP"])
    assert result.paired_count == 1


def test_configured_upper_case_extensions_match_lower_case_files() -> None:
    config = TeamConfig(
        photo_extensions=[".CR3"], metadata_extensions=["XMP"], require_sidecar=[".Cr3"]
    )
    result = stats("IMG_1.cr3", "IMG_2.cr3", "IMG_2.xmp", config=config)
    assert result.file_counts == {".cr3": 2, ".xmp": 1}
    assert orphans(result) == (["IMG_1.cr3"], [])


def test_raw_extension_lists_are_normalised() -> None:
    result = photostats(
        [FileEntry("IMG_1.cr3", 1, 0.0), FileEntry("IMG_1.Xmp", 1, 0.0)],
        photo_extensions=["CR3"],
        metadata_extensions=[".XMP"],
        require_sidecar=("cr3",),
    )
    assert (result.paired_count, result.total_files) == (1, 2)


def test_only_the_types_the_team_declared_count() -> None:
    config = TeamConfig(photo_extensions=[".dng"], metadata_extensions=[".xmp"], require_sidecar=[])
    result = stats("IMG_1.CR3", "IMG_1.dng", config=config)
    assert result.file_counts == {".dng": 1}
    assert orphans(result) == ([], [])  # .dng does not require a sidecar here


def test_dotfile_names_have_an_empty_stem() -> None:
    result = stats(".xmp", ".cr3")
    assert result.file_counts == {".cr3": 1, ".xmp": 1}
    assert result.paired_count == 1


def test_folder_dots_are_not_extensions() -> None:
    result = stats("2024.06/IMG_1", "v1.2/IMG_2.CR3")
    assert result.file_counts == {".cr3": 1}


# --- D11: full-name sidecars (darktable) ---


def test_full_name_sidecar_pairs_its_image() -> None:
    result = stats("IMG_1.CR3", "IMG_1.CR3.xmp")
    assert orphans(result) == ([], [])
    assert result.paired_count == 1


def test_full_name_sidecar_pairs_across_folders() -> None:
    result = stats("raw/IMG_1.CR3", "edits/IMG_1.CR3.xmp")
    assert orphans(result) == ([], [])


def test_full_name_match_is_exact_case() -> None:
    result = stats("IMG_1.CR3", "IMG_1.cr3.xmp")
    assert orphans(result) == (["IMG_1.CR3"], ["IMG_1.cr3.xmp"])
    assert result.paired_count == 0


def test_full_name_sidecar_pairs_only_its_own_image() -> None:
    result = stats("IMG_1.CR3", "IMG_1.NEF", "IMG_1.CR3.xmp")
    assert orphans(result) == (["IMG_1.NEF"], [])
    assert result.paired_count == 1


def test_one_full_name_sidecar_per_image_pairs_each() -> None:
    result = stats("IMG_1.CR3", "IMG_1.NEF", "IMG_1.CR3.xmp", "IMG_1.NEF.xmp")
    assert orphans(result) == ([], [])
    assert result.paired_count == 2


def test_image_paired_both_ways_counts_once() -> None:
    result = stats("IMG_1.CR3", "IMG_1.xmp", "IMG_1.CR3.xmp")
    assert orphans(result) == ([], [])
    assert result.paired_count == 1


def test_full_name_sidecar_needs_an_image_of_that_name() -> None:
    result = stats("IMG_1.CR3", "IMG_1.DNG.xmp", "notes.txt", "notes.txt.xmp")
    assert orphans(result) == (["IMG_1.CR3"], ["IMG_1.DNG.xmp", "notes.txt.xmp"])


def test_full_name_sidecar_also_covers_non_requiring_images() -> None:
    result = stats("IMG_9.jpg", "IMG_9.jpg.xmp")
    assert orphans(result) == ([], [])
    assert result.paired_count == 1


def test_orphan_lists_are_sorted_by_folder_then_name() -> None:
    result = stats("z/B.cr3", "a/Z.cr3", "m/A.cr3", "y.xmp", "b/x.xmp")
    assert orphans(result) == (["a/Z.cr3", "m/A.cr3", "z/B.cr3"], ["y.xmp", "b/x.xmp"])


def test_no_files_gives_zeroes() -> None:
    result = stats()
    assert (result.total_files, result.total_size, result.paired_count) == (0, 0, 0)
    assert result.file_counts == result.storage_by_type == {}
    assert orphans(result) == ([], [])


def test_accepts_a_generator_and_reads_it_once() -> None:
    def listing() -> Iterator[FileEntry]:
        yield FileEntry("IMG_1.CR3", 3, 0.0)
        yield FileEntry("IMG_1.xmp", 4, 0.0)

    result = photostats(
        listing(),
        photo_extensions=DEFAULTS.photo_extensions,
        metadata_extensions=DEFAULTS.metadata_extensions,
        require_sidecar=DEFAULTS.require_sidecar,
    )
    assert (result.total_size, result.paired_count) == (7, 1)
