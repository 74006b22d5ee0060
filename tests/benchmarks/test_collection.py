"""The generator: every profile deterministic for (files, seed), its marker naming the profile so
a tree is reused only when it matches, and its command line."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks import collection
from benchmarks.collection import (
    CollectionError,
    ensure_collection,
    generate,
    read_marker,
)
from benchmarks.profiles import PROFILES
from tests.benchmarks.trees import listing

FILES = 1500


@pytest.mark.parametrize("profile", list(PROFILES))
def test_the_same_seed_gives_the_same_tree_and_another_seed_another(
    tmp_path: Path, profile: str
) -> None:
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        generate(tmp_path / name, FILES, seed, progress=None, profile=profile)
    first = listing(tmp_path / "a" / "photos")
    assert len(first) == FILES
    assert listing(tmp_path / "b" / "photos") == first
    assert listing(tmp_path / "c" / "photos") != first
    assert (tmp_path / "a" / "pipeline.yaml").read_bytes() == PROFILES[
        profile
    ].pipeline.read_bytes()


def test_a_tree_is_reused_only_for_its_own_profile(tmp_path: Path) -> None:
    root = tmp_path / "work"
    marker, generated = ensure_collection(root, FILES, 5, progress=None, profile="messy")
    assert generated
    assert marker["profile"] == "messy"
    assert read_marker(root) == marker
    messy_files = listing(root / "photos")

    again, generated = ensure_collection(root, FILES, 5, progress=None, profile="messy")
    assert not generated
    assert again == marker
    assert listing(root / "photos") == messy_files

    other, generated = ensure_collection(root, FILES, 5, progress=None, profile="selective")
    assert generated
    assert other["profile"] == "selective"
    assert listing(root / "photos") != messy_files
    assert (root / "pipeline.yaml").read_bytes() == PROFILES["selective"].pipeline.read_bytes()


def test_a_marker_from_before_profiles_counts_as_the_default_tree(tmp_path: Path) -> None:
    root = tmp_path / "work"
    marker = generate(root, 300, progress=None)
    old = {key: value for key, value in marker.items() if key != "profile"}
    (root / "collection.json").write_text(json.dumps(old), encoding="utf-8")

    _, generated = ensure_collection(root, 300, progress=None)
    assert not generated
    _, generated = ensure_collection(root, 300, progress=None, profile="flat")
    assert generated


def test_a_tree_of_an_older_generator_version_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "work"
    ensure_collection(root, 300, progress=None, profile="selective")
    selective = PROFILES["selective"]
    newer = {**PROFILES, "selective": replace(selective, version=selective.version + 1)}
    monkeypatch.setattr(collection, "PROFILES", newer)

    marker, generated = ensure_collection(root, 300, progress=None, profile="selective")
    assert generated
    assert marker["generator_version"] == selective.version + 1


def test_an_unknown_profile_is_refused_with_the_choices(tmp_path: Path) -> None:
    with pytest.raises(CollectionError, match="choose from default, selective, messy, flat"):
        ensure_collection(tmp_path / "work", 300, progress=None, profile="tidy")
    assert not (tmp_path / "work").exists()


def test_the_command_line_puts_each_profile_in_its_own_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert collection.main([str(tmp_path), "--files", "200", "--profile", "all"]) == 0
    for name in PROFILES:
        marker = read_marker(tmp_path / name)
        assert marker is not None
        assert marker["profile"] == name
        assert len(listing(tmp_path / name / "photos")) == 200
    assert "generated 200 files of profile flat" in capsys.readouterr().out
