"""Authorized roots: what the agent agrees to read, on real folders and symlinks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shuttersense.desktop.agent.errors import PathNotAuthorized
from shuttersense.desktop.agent.roots import ENV_ROOTS, AuthorizedRoots


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    (tmp_path / "root" / "2024" / "wedding").mkdir(parents=True)
    (tmp_path / "root" / "2024" / "wedding" / "AB3D0001.CR3").write_bytes(b"raw")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "secret.txt").write_text("no")
    (tmp_path / "root-sibling").mkdir()
    return tmp_path


def only(root: Path) -> AuthorizedRoots:
    return AuthorizedRoots.load([str(root)], environ={})


def test_the_root_and_paths_under_it_are_accepted(layout: Path) -> None:
    roots = only(layout / "root")
    assert roots.authorize(layout / "root") == (layout / "root").resolve()
    assert (
        roots.authorize(str(layout / "root" / "2024" / "wedding"))
        == (layout / "root" / "2024" / "wedding").resolve()
    )
    file = layout / "root" / "2024" / "wedding" / "AB3D0001.CR3"
    assert roots.authorize(file) == file.resolve()


def test_dot_dot_escape_is_refused_and_named(layout: Path) -> None:
    escape = f"{layout}/root/2024/../../elsewhere"
    with pytest.raises(PathNotAuthorized, match="outside the authorized roots") as refused:
        only(layout / "root").authorize(escape)
    assert str((layout / "elsewhere").resolve()) in str(refused.value)


@pytest.mark.parametrize("target", ["elsewhere", "root-sibling", "."])
def test_absolute_paths_elsewhere_are_refused(layout: Path, target: str) -> None:
    with pytest.raises(PathNotAuthorized, match="outside the authorized roots"):
        only(layout / "root").authorize(layout / target)


def test_a_symlink_inside_a_root_pointing_outside_is_refused(layout: Path) -> None:
    link = layout / "root" / "2024" / "shortcut"
    link.symlink_to(layout / "elsewhere")
    with pytest.raises(PathNotAuthorized, match="really"):
        only(layout / "root").authorize(link)
    with pytest.raises(PathNotAuthorized):
        only(layout / "root").authorize(link / "secret.txt")


def test_a_symlink_inside_a_root_pointing_inside_is_accepted(layout: Path) -> None:
    link = layout / "root" / "latest"
    link.symlink_to(layout / "root" / "2024" / "wedding")
    assert only(layout / "root").authorize(link) == (layout / "root" / "2024" / "wedding").resolve()


def test_a_symlink_loop_is_refused(layout: Path) -> None:
    (layout / "root" / "a").symlink_to(layout / "root" / "b")
    (layout / "root" / "b").symlink_to(layout / "root" / "a")
    with pytest.raises(PathNotAuthorized, match="cannot be resolved"):
        only(layout / "root").authorize(layout / "root" / "a")


@pytest.mark.parametrize("path", ["root/2024", "./root", "2024"])
def test_relative_paths_are_refused(
    layout: Path, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(layout)  # even when they would resolve under the root from here
    with pytest.raises(PathNotAuthorized, match="not an absolute path"):
        only(layout / "root").authorize(path)


@pytest.mark.parametrize("path", ["", "\x00"])
def test_empty_and_nul_are_refused(layout: Path, path: str) -> None:
    with pytest.raises(PathNotAuthorized, match="empty or holds a NUL"):
        only(layout / "root").authorize(path)


def test_nul_inside_a_path_under_the_root_is_refused(layout: Path) -> None:
    with pytest.raises(PathNotAuthorized, match="NUL"):
        only(layout / "root").authorize(f"{layout}/root/2024\x00/../../elsewhere")


def test_a_missing_path_is_refused(layout: Path) -> None:
    with pytest.raises(PathNotAuthorized, match="does not exist"):
        only(layout / "root").authorize(layout / "root" / "2025")


def test_without_roots_everything_is_refused_with_advice(layout: Path) -> None:
    roots = AuthorizedRoots.load([], environ={})
    assert roots.all == ()
    with pytest.raises(PathNotAuthorized, match="no authorized roots") as refused:
        roots.authorize(layout / "root")
    assert "roots add" in str(refused.value)
    assert ENV_ROOTS in str(refused.value)


def test_environment_roots_are_merged_with_configured_ones(layout: Path) -> None:
    env = {ENV_ROOTS: os.pathsep.join([str(layout / "elsewhere"), "", str(layout / "root")])}
    roots = AuthorizedRoots.load([str(layout / "root")], environ=env)
    assert roots.configured == ((layout / "root").resolve(),)
    assert roots.from_env == ((layout / "elsewhere").resolve(), (layout / "root").resolve())
    assert roots.all == ((layout / "root").resolve(), (layout / "elsewhere").resolve())
    assert roots.authorize(layout / "elsewhere" / "secret.txt").name == "secret.txt"
    with pytest.raises(PathNotAuthorized):
        roots.authorize(layout / "root-sibling")


def test_the_process_environment_is_read_by_default(
    layout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_ROOTS, str(layout / "elsewhere"))
    roots = AuthorizedRoots.load([])
    assert roots.authorize(layout / "elsewhere") == (layout / "elsewhere").resolve()


def test_a_root_that_is_itself_a_symlink_works(layout: Path) -> None:
    alias = layout / "alias"
    alias.symlink_to(layout / "root")
    roots = only(alias)
    real = (layout / "root" / "2024").resolve()
    assert roots.authorize(alias / "2024") == real
    assert roots.authorize(layout / "root" / "2024") == real
    with pytest.raises(PathNotAuthorized):
        roots.authorize(layout / "elsewhere")
