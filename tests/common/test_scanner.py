"""The scanner on real folder trees: what it yields, what it reports, what it refuses."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from shuttersense.common.errors import CollectionError
from shuttersense.common.files import FileEntry
from shuttersense.common.results import ScanIssue
from shuttersense.common.scanner import check_collection_root, scan
from tests.helpers.unprivileged import run_as_nobody


def write(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def collect(root: Path | str) -> tuple[dict[str, FileEntry], list[ScanIssue]]:
    issues: list[ScanIssue] = []
    entries = {entry.path: entry for entry in scan(root, issues.append)}
    return entries, issues


def issue_for(issues: list[ScanIssue], path: str) -> str:
    reasons = [issue.reason for issue in issues if issue.path == path]
    assert len(reasons) == 1, f"expected one issue for {path!r}, got {issues}"
    return reasons[0]


def test_paths_are_relative_slash_separated_with_sizes_and_mtimes(tmp_path: Path) -> None:
    deep = write(tmp_path / "2024" / "shoot" / "AB3D0001.CR3", b"r" * 1234)
    write(tmp_path / "AB3D0001.xmp", b"<x/>")
    os.utime(deep, (1_700_000_000, 1_700_000_000))

    entries, issues = collect(tmp_path)

    assert set(entries) == {"2024/shoot/AB3D0001.CR3", "AB3D0001.xmp"}
    assert entries["2024/shoot/AB3D0001.CR3"].size == 1234
    assert entries["2024/shoot/AB3D0001.CR3"].mtime == 1_700_000_000
    assert entries["AB3D0001.xmp"].size == 4
    assert issues == []


def test_hidden_files_and_folders_are_included(tmp_path: Path) -> None:
    write(tmp_path / ".hidden")
    write(tmp_path / ".cache" / "AB3D0001.xmp")

    entries, _ = collect(tmp_path)

    assert set(entries) == {".hidden", ".cache/AB3D0001.xmp"}


def test_empty_folders_and_special_files_yield_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty" / "deeper").mkdir(parents=True)
    os.mkfifo(tmp_path / "pipe")

    entries, issues = collect(tmp_path)

    assert entries == {}
    assert issues == []


def test_scan_raises_for_a_missing_root_before_iterating(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(CollectionError, match="no such folder") as caught:
        scan(missing)
    assert caught.value.path == str(missing)


def test_a_file_as_root_is_refused(tmp_path: Path) -> None:
    file = write(tmp_path / "AB3D0001.CR3")
    with pytest.raises(CollectionError, match="is a file, not a folder"):
        scan(file)


def test_check_collection_root_returns_the_resolved_folder(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    assert check_collection_root(tmp_path / "alias") == (tmp_path / "real").resolve()


def test_symlink_loop_ends_with_an_issue(tmp_path: Path) -> None:
    write(tmp_path / "sub" / "AB3D0001.CR3")
    (tmp_path / "sub" / "loop").symlink_to("..")

    entries, issues = collect(tmp_path)

    assert set(entries) == {"sub/AB3D0001.CR3"}
    assert "symlink to a folder" in issue_for(issues, "sub/loop")


def test_folder_symlink_does_not_hide_the_real_folder(tmp_path: Path) -> None:
    write(tmp_path / "b" / "c" / "AB3D0002.CR3")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "link").symlink_to("../b/c")
    (tmp_path / "zlink").symlink_to("b")

    entries, issues = collect(tmp_path)

    assert set(entries) == {"b/c/AB3D0002.CR3"}
    assert "symlink to a folder" in issue_for(issues, "a/link")
    assert "symlink to a folder" in issue_for(issues, "zlink")
    assert [i for i in issues if i.path.startswith("b")] == []


def test_symlink_leading_outside_the_root_is_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "collection"
    write(root / "AB3D0001.CR3")
    outside = tmp_path / "elsewhere"
    secret = write(outside / "AB3D0009.CR3")
    (root / "out_dir").symlink_to(outside)
    (root / "out_file.CR3").symlink_to(secret)

    entries, issues = collect(root)

    assert set(entries) == {"AB3D0001.CR3"}
    assert "outside the collection" in issue_for(issues, "out_dir")
    assert "outside the collection" in issue_for(issues, "out_file.CR3")


def test_symlinked_file_inside_the_root_is_included(tmp_path: Path) -> None:
    write(tmp_path / "raw" / "AB3D0001.CR3", b"12345")
    (tmp_path / "AB3D0001-link.CR3").symlink_to("raw/AB3D0001.CR3")

    entries, issues = collect(tmp_path)

    assert set(entries) == {"raw/AB3D0001.CR3", "AB3D0001-link.CR3"}
    assert entries["AB3D0001-link.CR3"].size == 5
    assert issues == []


def test_broken_symlink_is_reported(tmp_path: Path) -> None:
    write(tmp_path / "AB3D0001.CR3")
    (tmp_path / "gone.xmp").symlink_to(tmp_path / "missing.xmp")

    entries, issues = collect(tmp_path)

    assert set(entries) == {"AB3D0001.CR3"}
    assert "broken symlink" in issue_for(issues, "gone.xmp")


LOOP = "symlink loop (following it goes round in circles and never reaches a file); skipped"


def test_a_chain_of_thousands_of_links_is_reported_not_a_crash(tmp_path: Path) -> None:
    root = tmp_path / "collection"
    write(root / "AB3D0001.CR3")
    chain = tmp_path / "chain"
    chain.mkdir()
    (chain / "l0").symlink_to(root / "AB3D0001.CR3")
    for n in range(1, 1500):
        (chain / f"l{n}").symlink_to(chain / f"l{n - 1}")
    (root / "far.CR3").symlink_to(chain / "l1499")

    entries, issues = collect(root)

    assert set(entries) == {"AB3D0001.CR3"}
    [issue] = issues
    assert issue.path == "far.CR3" and "symlink chain too long to follow" in issue.reason


def test_every_kind_of_symlink_reads_as_what_it_is(tmp_path: Path) -> None:
    root = tmp_path / "collection"
    write(root / "raw" / "AB3D0001.CR3")
    write(tmp_path / "elsewhere" / "AB3D0009.CR3")
    links = {
        "self": "self",  # a one-link loop
        "ping": "pong",  # a two-link loop
        "pong": "ping",
        "into_loop": "ping",  # not itself in the loop, but following it never ends
        "gone.xmp": "missing.xmp",
        "out": "../elsewhere",
        "folder": "raw",
        "AB3D0001-copy.CR3": "raw/AB3D0001.CR3",
    }
    for name, target in links.items():
        (root / name).symlink_to(target)

    entries, issues = collect(root)

    assert set(entries) == {"raw/AB3D0001.CR3", "AB3D0001-copy.CR3"}
    assert {issue.path: issue.reason for issue in issues} == {
        "self": LOOP,
        "ping": LOOP,
        "pong": LOOP,
        "into_loop": LOOP,
        "gone.xmp": "broken symlink (its target is missing); skipped",
        "out": "symlink leads outside the collection; not followed",
        "folder": (
            "symlink to a folder inside the collection; its files count under their real path"
        ),
    }


def test_undecodable_name_is_kept_with_escapes_and_reported(tmp_path: Path) -> None:
    bad_folder = os.path.join(os.fsencode(tmp_path), b"f\xfeo")
    os.mkdir(bad_folder)
    for raw in (os.path.join(os.fsencode(tmp_path), b"bad\xff.cr3"), bad_folder + b"/x.cr3"):
        with open(raw, "wb") as handle:
            handle.write(b"abc")

    entries, issues = collect(tmp_path)

    assert set(entries) == {"bad\\xff.cr3", "f\\xfeo/x.cr3"}
    assert entries["bad\\xff.cr3"].size == 3
    assert "not valid UTF-8" in issue_for(issues, "bad\\xff.cr3")
    assert "not valid UTF-8" in issue_for(issues, "f\\xfeo")
    for path in entries:
        path.encode("utf-8")  # every path is valid text


def test_the_walk_is_lazy(tmp_path: Path) -> None:
    write(tmp_path / "AB3D0001.CR3")
    walk: Iterator[FileEntry] = scan(tmp_path)  # the root is checked now, listed later
    write(tmp_path / "AB3D0002.CR3")
    assert sorted(entry.path for entry in walk) == ["AB3D0001.CR3", "AB3D0002.CR3"]


def _scan_summary(root: Path) -> tuple[list[str], list[tuple[str, str]]]:
    entries, issues = collect(root)
    return sorted(entries), [(issue.path, issue.reason) for issue in issues]


def test_unreadable_folder_is_reported_and_the_rest_scanned(shared_tree: Path) -> None:
    write(shared_tree / "ok" / "AB3D0001.CR3")
    write(shared_tree / "AB3D0002.CR3")
    locked = write(shared_tree / "locked" / "AB3D0003.CR3").parent
    locked.chmod(0o000)

    paths, issues = run_as_nobody(lambda: _scan_summary(shared_tree))

    assert paths == ["AB3D0002.CR3", "ok/AB3D0001.CR3"]
    assert issues == [("locked", "folder is not readable (permission denied); skipped")]


def _root_error(root: Path) -> str:
    try:
        scan(root)
    except CollectionError as exc:
        return str(exc)
    return "no error"


def test_unreadable_root_is_refused(shared_tree: Path) -> None:
    root = shared_tree / "collection"
    write(root / "AB3D0001.CR3")
    root.chmod(0o000)

    message = run_as_nobody(lambda: _root_error(root))

    assert "not readable" in message
