"""Grouping photo files into image groups and separate images (analysis spec 3.2)."""

from __future__ import annotations

from shuttersense.common.analyzers.grouping import Grouping, group_photos
from shuttersense.common.config import TeamConfig
from shuttersense.common.files import FileEntry
from shuttersense.common.grammar import LegacyGrammar, Reason, RegexGrammar
from shuttersense.common.results import InvalidFile

PHOTOS = (".cr3", ".dng", ".tif", ".jpg")


def entries(*paths: str) -> list[FileEntry]:
    return [FileEntry(path, 100, 0.0) for path in paths]


def group(*paths: str, photo_extensions: tuple[str, ...] = PHOTOS) -> Grouping:
    return group_photos(entries(*paths), photo_extensions, LegacyGrammar())


def images(grouping: Grouping, group_id: str) -> dict[str, tuple[list[str], set[str]]]:
    found = grouping.groups[group_id].separate_images
    return {key: (image.files, image.methods) for key, image in found.items()}


def test_files_group_by_camera_and_counter_across_folders() -> None:
    grouping = group("b/AB3D0001.dng", "a/AB3D0001.CR3", "AB3D0002.cr3", "x/XY9Z0001.jpg")

    assert sorted(grouping.groups) == ["AB3D0001", "AB3D0002", "XY9Z0001"]
    first = grouping.groups["AB3D0001"]
    assert (first.camera_id, first.counter, first.base) == ("AB3D", "0001", "AB3D0001")
    assert images(grouping, "AB3D0001") == {"": (["a/AB3D0001.CR3", "b/AB3D0001.dng"], set())}


def test_only_photo_extensions_count_compared_lowercase() -> None:
    grouping = group("AB3D0001.CR3", "AB3D0001.xmp", "AB3D0001.txt", "AB3D0001", "notes.TXT")

    assert grouping.photo_file_count == 1
    assert grouping.grouped_file_count == 1
    assert grouping.invalid_files == []


def test_upper_case_configured_extensions_match_lower_case_files() -> None:
    config = TeamConfig(photo_extensions=[".CR3", "DNG"])
    grouping = group_photos(
        entries("AB3D0001.cr3", "AB3D0001.Dng"), config.photo_extensions, LegacyGrammar()
    )
    assert grouping.grouped_file_count == 2
    # extensions straight from a caller, not normalised by TeamConfig, are matched too
    assert group("AB3D0001.cr3", photo_extensions=(".CR3",)).grouped_file_count == 1


def test_separate_images_are_keyed_by_literal_first_number_in_first_seen_order() -> None:
    grouping = group(
        "AB3D0001-2.cr3",
        "AB3D0001.cr3",
        "AB3D0001-02.cr3",
        "AB3D0001-HDR-2.tif",
        "AB3D0001-2-3.dng",
    )

    found = images(grouping, "AB3D0001")
    assert list(found) == ["2", "", "02"]
    assert found["2"] == (
        ["AB3D0001-2-3.dng", "AB3D0001-2.cr3", "AB3D0001-HDR-2.tif"],
        {"HDR", "3"},
    )
    assert found[""] == (["AB3D0001.cr3"], set())
    assert grouping.image_count == 3
    assert grouping.grouped_file_count == 5


def test_methods_are_a_set_per_separate_image() -> None:
    grouping = group("AB3D0001-HDR.cr3", "AB3D0001-HDR.tif", "AB3D0001-DxO-HDR.dng")
    assert images(grouping, "AB3D0001")[""][1] == {"HDR", "DxO"}


def test_invalid_names_are_listed_sorted_with_their_reason_and_still_counted() -> None:
    grouping = group("z/IMG_0001.cr3", "a/ab3d0001.jpg", "AB3D0000.dng", "AB3D0001.cr3")

    assert grouping.invalid_files == [
        InvalidFile(path="AB3D0000.dng", reason=Reason.COUNTER_ZERO),
        InvalidFile(path="a/ab3d0001.jpg", reason=Reason.CAMERA_LOWERCASE),
        InvalidFile(path="z/IMG_0001.cr3", reason=Reason.CAMERA_CHARS),
    ]
    assert grouping.photo_file_count == 4
    assert list(grouping.groups) == ["AB3D0001"]


def test_sorted_groups_orders_by_group_id() -> None:
    grouping = group("ZZZZ0001.cr3", "AAAA0002.cr3", "AAAA0001.cr3")
    assert [g.group_id for g in grouping.sorted_groups()] == ["AAAA0001", "AAAA0002", "ZZZZ0001"]


def test_regex_grammar_groups_by_its_camera_and_counter() -> None:
    grammar = RegexGrammar(r"(IMG)_(\d{4})")
    grouping = group_photos(
        entries("IMG_0001.CR3", "IMG_0001-DxO.dng", "IMG_0001-2.jpg", "DSC_0001.cr3"),
        PHOTOS,
        grammar,
    )

    assert list(grouping.groups) == ["IMG0001"]
    assert grouping.groups["IMG0001"].base == "IMG_0001"
    assert images(grouping, "IMG0001") == {
        "": (["IMG_0001-DxO.dng", "IMG_0001.CR3"], {"DxO"}),
        "2": (["IMG_0001-2.jpg"], set()),
    }
    assert grouping.invalid_files == [
        InvalidFile(path="DSC_0001.cr3", reason=Reason.NO_PATTERN_MATCH)
    ]


def test_empty_input_gives_an_empty_grouping() -> None:
    grouping = group()
    assert (grouping.groups, grouping.invalid_files, grouping.photo_file_count) == ({}, [], 0)
    assert grouping.image_count == 0
