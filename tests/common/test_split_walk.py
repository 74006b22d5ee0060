"""The walk in two halves gives exactly the batches and issues of one walk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shuttersense.common.results import ScanIssue
from shuttersense.common.scanner import scan_batches
from shuttersense.common.split_walk import scan_batches_in_two
from tests.helpers.unprivileged import run_as_nobody

Walk = tuple[list[list[tuple[str, int, float]]], list[tuple[str, str]]]


def write(path: Path, size: int = 1) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\0" * size)


def walked(root: Path, in_two: bool) -> Walk:
    issues: list[ScanIssue] = []
    walk = scan_batches_in_two if in_two else scan_batches
    batches = [[tuple(entry) for entry in batch] for batch in walk(root, issues.append)]
    return batches, [(issue.path, issue.reason) for issue in issues]


def both(root: Path) -> tuple[Walk, Walk]:
    return walked(root, False), walked(root, True)


def test_a_tree_with_several_folders_at_each_level(tmp_path: Path) -> None:
    for year in ("2022", "2023", "2024"):
        for month in ("01", "07"):
            for frame in range(3):
                write(tmp_path / year / f"{year}-{month}" / f"AB3D{frame:04d}.CR3", frame + 1)
        write(tmp_path / year / "notes.txt")
    write(tmp_path / "top.txt")

    one, two = both(tmp_path)

    assert two == one
    paths = [entry[0] for batch in two[0] for entry in batch]
    assert paths[0] == "top.txt" and paths[-1] == "2024/2024-07/AB3D0002.CR3"
    assert len(paths) == 22


def test_the_cut_is_made_below_a_chain_of_single_folders(tmp_path: Path) -> None:
    write(tmp_path / "a.txt")
    write(tmp_path / "Photos" / "b.txt")
    for event in ("x", "y", "z", "w"):
        write(tmp_path / "Photos" / "Archive" / event / "AB3D0001.CR3")

    one, two = both(tmp_path)

    assert two == one
    assert [batch[0][0] for batch in two[0][:2]] == ["a.txt", "Photos/b.txt"]


def test_a_flat_folder_and_a_single_subfolder(tmp_path: Path) -> None:
    write(tmp_path / "AB3D0001.CR3")
    assert both(tmp_path)[1] == both(tmp_path)[0]
    write(tmp_path / "only" / "AB3D0002.CR3")
    one, two = both(tmp_path)
    assert two == one and len(two[0]) == 2


def test_issues_of_the_second_half_come_after_those_of_the_first(tmp_path: Path) -> None:
    write(tmp_path / "a" / "AB3D0001.CR3")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a")
    write(tmp_path / "z" / "AB3D0002.CR3")
    (tmp_path / "z" / "out").symlink_to("/")
    (tmp_path / "z" / os.fsdecode(b"bad\xff.CR3")).write_bytes(b"x")

    one, two = both(tmp_path)

    assert two == one
    assert [path for path, _ in two[1]] == ["a/loop", "z/bad\\xff.CR3", "z/out"]


def test_an_unreadable_folder_in_the_second_half(shared_tree: Path) -> None:
    for name in ("a", "b", "c", "d"):
        write(shared_tree / name / "AB3D0001.CR3")
    (shared_tree / "d").chmod(0o000)

    one, two = run_as_nobody(lambda: both(shared_tree))

    assert two == one
    assert two[1] == [("d", "folder is not readable (permission denied); skipped")]


def test_a_walk_stopped_early_leaves_no_child_behind(tmp_path: Path) -> None:
    for name in ("a", "b", "c", "d"):
        for frame in range(200):
            write(tmp_path / name / f"AB3D{frame:04d}.CR3")

    walk = scan_batches_in_two(tmp_path, lambda issue: None)
    first = next(walk)
    walk.close()

    assert first[0].path == "a/AB3D0000.CR3"
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


_COMPARE = """
import json, sys
from shuttersense.common.scanner import scan_batches
from shuttersense.common.split_walk import scan_batches_in_two
def run(walk):
    issues = []
    paths = [e.path for batch in walk(sys.argv[1], issues.append) for e in batch]
    return paths, [(i.path, i.reason) for i in issues]
print(json.dumps([run(scan_batches), run(scan_batches_in_two)]))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="mount namespaces (unshare) are Linux's")
def test_a_folder_mounted_in_both_halves_is_listed_once(tmp_path: Path) -> None:
    """A bind mount makes one folder reachable from both halves: one walk lists it the first
    time only, and so does the walk in two (run in a mount namespace of its own)."""
    write(tmp_path / "a" / "shared" / "AB3D0001.CR3")
    write(tmp_path / "a" / "AB3D0002.CR3")
    write(tmp_path / "z" / "mounted" / "placeholder.txt")
    script = (
        f"mount --bind {tmp_path}/a/shared {tmp_path}/z/mounted && "
        f'exec "{sys.executable}" -c "$0" {tmp_path}'
    )
    done = subprocess.run(
        ["unshare", "--map-root-user", "--mount", "sh", "-c", script, _COMPARE],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    one, two = json.loads(done.stdout)

    assert two == one
    assert one[0] == ["a/AB3D0002.CR3", "a/shared/AB3D0001.CR3"]
    assert one[1] == [["z/mounted", "folder already walked (a mount loop); skipped"]]
