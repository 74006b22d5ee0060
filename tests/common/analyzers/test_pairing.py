"""Photo Pairing analytics: counts, camera and method usage (analysis spec 3.3)."""

from __future__ import annotations

from typing import Any

from shuttersense.common.analyzers.grouping import MAX_COLLISION_SETS, Grouping, group_photos
from shuttersense.common.analyzers.pairing import photo_pairing
from shuttersense.common.config import TeamConfig
from shuttersense.common.files import FileEntry
from shuttersense.common.grammar import LegacyGrammar, Reason
from shuttersense.common.results import InvalidNames, NameCollisions, PhotoPairingResult


def grouping_of(*paths: str, config: TeamConfig) -> Grouping:
    listed = [FileEntry(path, 1, 0.0) for path in paths]
    return group_photos(listed, config.photo_extensions, LegacyGrammar())


def pairing(*paths: str, **config: Any) -> PhotoPairingResult:
    team = TeamConfig(**config)
    return photo_pairing(grouping_of(*paths, config=team), team)


def test_counts_groups_separate_images_and_grouped_photo_files() -> None:
    result = pairing(
        "AB3D0001.CR3",
        "AB3D0001.dng",
        "AB3D0001-2.CR3",
        "AB3D0002.CR3",
        "AB3D0002.xmp",  # not a photo: not part of pairing
        "BAD_NAME.CR3",  # invalid: not in any group
    )
    assert (result.group_count, result.image_count, result.file_count) == (2, 3, 4)
    assert result.invalid_file_count == 1
    assert result.invalid_names == [
        InvalidNames(reason=Reason.CAMERA_CHARS, count=1, by_folder={"": ["BAD_NAME.CR3"]})
    ]


def test_invalid_names_are_grouped_by_reason_most_first_and_by_folder() -> None:
    result = pairing(
        "b/ab3d0001.CR3",
        "a/ab3d0002.CR3",
        "a/AB3D0000.CR3",
        "a/IMG_1234.CR3",
        "a/AB3D0003.CR3",
    )
    assert result.invalid_file_count == 4
    assert [(g.reason, g.count) for g in result.invalid_names] == [
        (Reason.CAMERA_LOWERCASE, 2),
        (Reason.CAMERA_CHARS, 1),
        (Reason.COUNTER_ZERO, 1),
    ]
    assert result.invalid_names[0].by_folder == {"a": ["ab3d0002.CR3"], "b": ["ab3d0001.CR3"]}


def test_the_same_name_in_several_folders_is_a_collision() -> None:
    result = pairing(
        "2019/AB3D0042.CR3",
        "2023/AB3D0042.CR3",
        "2023/export/AB3D0042.JPG",  # an export beside its raw file: another name
        "2023/AB3D0043.CR3",
        "x/bad.CR3",
        "y/bad.CR3",  # invalid names repeat too, but they are not images
    )
    assert result.name_collisions == [
        NameCollisions(folders=["2019", "2023"], count=1, names=["AB3D0042.CR3"])
    ]
    assert result.group_count == 2  # grouping is unchanged: names decide


def test_collisions_are_grouped_by_their_folders_with_runs() -> None:
    wrapped = [f"{year}/AB3D{n:04d}.CR3" for year in ("2019", "2023") for n in range(1, 401)]
    result = pairing(*wrapped, "2019/AB3D0500.CR3", "x/AB3D0500.CR3", "y/AB3D0500.CR3")
    assert result.name_collisions == [
        NameCollisions(
            folders=["2019", "2023"], count=400, names=[("AB3D0001.CR3", "AB3D0400.CR3")]
        ),
        NameCollisions(folders=["2019", "x", "y"], count=1, names=["AB3D0500.CR3"]),
    ]
    assert result.group_count == 401
    assert (result.name_collision_count, result.name_collision_sets) == (401, 2)


def test_only_the_largest_collision_sets_are_listed() -> None:
    copies = [f"{d}/AB3D{n:04d}.CR3" for n in range(1, 251) for d in "ab"]
    copies += [f"disk{n}/AB3D{n:04d}.CR3" for n in range(1, 251)]  # each name in a 3rd folder
    result = pairing(*copies)
    assert result.name_collision_count == 250
    assert result.name_collision_sets == 250
    assert len(result.name_collisions) == MAX_COLLISION_SETS
    assert all(c.count == 1 and len(c.folders) == 3 for c in result.name_collisions)


def test_camera_usage_counts_separate_images_under_the_mapped_name() -> None:
    result = pairing(
        "AB3D0001.CR3",
        "AB3D0001-2.CR3",
        "AB3D0002.CR3",
        "AB3D0002.dng",
        "XY9Z0001.CR3",
        camera_mappings={"AB3D": [{"name": "Canon EOS R5", "serial_number": "123"}]},
    )
    assert result.camera_usage == {"Canon EOS R5": 3, "XY9Z": 1}


def test_cameras_resolving_to_the_same_name_merge() -> None:
    result = pairing(
        "AB3D0001.CR3",
        "CD4E0001.CR3",
        "CD4E0002.CR3",
        camera_mappings={"AB3D": "Canon R5", "CD4E": [[{"name": "Canon R5"}]]},
    )
    assert result.camera_usage == {"Canon R5": 3}
    assert set(result.cameras) == {"AB3D", "CD4E"}


def test_first_mapping_entry_wins_and_an_entry_without_name_keeps_the_id() -> None:
    result = pairing(
        "AB3D0001.CR3",
        "CD4E0001.CR3",
        camera_mappings={
            "AB3D": [{"name": "First"}, {"name": "Second"}],
            "CD4E": [{"serial_number": "S1"}],
        },
    )
    assert result.camera_usage == {"CD4E": 1, "First": 1}


def test_cameras_carry_the_first_mapping_without_empty_values() -> None:
    result = pairing(
        "AB3D0001.CR3",
        "ZZZZ0001.CR3",
        camera_mappings={
            "AB3D": [
                {"name": "R5", "serial_number": "", "make": None, "tags": [], "count": 0},
                {"name": "ignored"},
            ]
        },
    )
    assert result.cameras == {"AB3D": {"name": "R5", "count": 0}, "ZZZZ": {}}


def test_method_usage_counts_each_separate_image_once() -> None:
    result = pairing(
        "AB3D0001-HDR.CR3",
        "AB3D0001-HDR.dng",  # same image, same method: once
        "AB3D0001-2-HDR.CR3",  # another separate image
        "AB3D0002-DxO-HDR.CR3",
        "AB3D0003-2-3.CR3",  # the second number is a method
    )
    assert result.method_usage == {"3": 1, "DxO": 1, "HDR": 3}


def test_method_labels_come_from_the_team_processing_methods() -> None:
    result = pairing(
        "AB3D0001-HDR.CR3",
        "AB3D0002-BW.CR3",
        processing_methods={"HDR": "High Dynamic Range"},
    )
    assert result.method_usage == {"BW": 1, "High Dynamic Range": 1}


def test_pipeline_labels_replace_the_team_methods_when_given() -> None:
    team = TeamConfig(processing_methods={"HDR": "Team HDR", "BW": "Team BW"})
    grouping = grouping_of("AB3D0001-HDR.CR3", "AB3D0002-BW.CR3", config=team)

    result = photo_pairing(grouping, team, method_labels={"HDR": "HDR Merge"})

    assert result.method_usage == {"BW": 1, "HDR Merge": 1}
    assert photo_pairing(grouping, team, method_labels={}).method_usage == {"BW": 1, "HDR": 1}


def test_methods_with_the_same_label_merge_and_count_once_per_image() -> None:
    result = pairing(
        "AB3D0001-HDR-HDR2.CR3",
        "AB3D0002-HDR2.CR3",
        processing_methods={"HDR": "High Dynamic Range", "HDR2": "High Dynamic Range"},
    )
    assert result.method_usage == {"High Dynamic Range": 2}


def test_usage_dicts_are_sorted_by_key() -> None:
    result = pairing("ZZZZ0001-b.CR3", "AAAA0001-a.CR3", "MMMM0001-c.CR3")
    assert list(result.camera_usage) == ["AAAA", "MMMM", "ZZZZ"]
    assert list(result.method_usage) == ["a", "b", "c"]
    assert list(result.cameras) == ["AAAA", "MMMM", "ZZZZ"]


def test_empty_grouping_gives_zeroes() -> None:
    result = pairing()
    assert (result.group_count, result.image_count, result.file_count) == (0, 0, 0)
    assert result.camera_usage == result.method_usage == result.cameras == {}
    assert result.invalid_file_count == 0 and result.invalid_names == []
    assert result.name_collisions == []
