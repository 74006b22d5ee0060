"""The one place that reads a collection from disk: a streaming, single-pass walk (spec 1.2, D8).

Regular files only, hidden ones included. A folder that cannot be read, a name that is not valid
UTF-8, a symlink that leads outside the root, a symlinked folder (its files are listed under their
real path), a symlink loop, a broken symlink: each becomes a ScanIssue and the walk goes on.
Undecodable names are kept, shown with `\\xNN` escapes, so every result stays valid JSON.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from operator import attrgetter
from pathlib import Path
from stat import S_ISDIR, S_ISLNK, S_ISREG

from .errors import CollectionError
from .files import FileEntry
from .results import ScanIssue

__all__ = ["Folder", "IssueSink", "Walker", "check_collection_root", "scan", "scan_batches"]

IssueSink = Callable[[ScanIssue], None]


def check_collection_root(root: Path | str) -> Path:
    """Return the root's resolved path, or raise CollectionError saying what is wrong with it."""
    path = Path(root)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise CollectionError(f"{path}: no such folder", path) from None
    except PermissionError:
        raise CollectionError(f"{path}: permission denied", path) from None
    except OSError as exc:
        raise CollectionError(f"{path}: {exc.strerror or exc}", path) from None
    if not S_ISDIR(info.st_mode):
        raise CollectionError(f"{path}: is a file, not a folder", path)
    if not os.access(path, os.R_OK | os.X_OK):
        raise CollectionError(f"{path}: folder is not readable (permission denied)", path)
    return path.resolve()


def _display(name: str, prefix: str, report: IssueSink) -> str:
    """The name as valid text; a name that is not valid UTF-8 is reported and shown escaped."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        report(ScanIssue(path=prefix + shown, reason="name is not valid UTF-8; shown with escapes"))
        return shown
    return name


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root + os.sep)


def scan(root: Path | str, on_issue: IssueSink | None = None) -> Iterator[FileEntry]:
    """Yield every regular file under `root` as a FileEntry; report problems to `on_issue`.

    Raises CollectionError at once when `root` itself is unusable. Symlinked files inside the root
    are listed; symlinked folders are reported, not followed, since their files are listed under
    their real path; links out of the root are never followed. So loops end.
    """
    batches = scan_batches(root, on_issue)
    return (entry for batch in batches for entry in batch)


def scan_batches(root: Path | str, on_issue: IssueSink | None = None) -> Iterator[list[FileEntry]]:
    """Like `scan`, one list per folder: the same walk with less per-file overhead."""
    walker = Walker(root, on_issue or (lambda issue: None))
    return walker.batches([(walker.root, "")])


_LINKED_FOLDER = "symlink to a folder inside the collection; its files count under their real path"
_WALKED = "folder already walked (a mount loop); skipped"
_by_name = attrgetter("name")
_new_entry = tuple.__new__  # FileEntry(...) without the Python-level __new__, for speed

Folder = tuple[str, str]  # (real path, relative prefix ending in "/", or "" for the root)


class Walker:
    """The walk's state: the resolved root, where issues go, and the folders seen so far (by
    device and inode, so a mount loop is walked once)."""

    def __init__(self, root: Path | str, report: IssueSink) -> None:
        self.root = str(check_collection_root(root))
        self.report = report
        info = os.stat(self.root)
        self.visited = {(info.st_dev, info.st_ino)}

    def batches(self, stack: list[Folder]) -> Iterator[list[FileEntry]]:
        """Walk depth-first from the folders on `stack` (the last one first): one list of files
        per folder that has any, each sorted by name."""
        while stack:
            files, subfolders = self.folder(*stack.pop())
            stack.extend(reversed(subfolders))
            if files:
                yield files

    def folder(self, folder: str, prefix: str) -> tuple[list[FileEntry], list[Folder]]:
        """The files of one folder and the subfolders still to walk, both sorted by name."""
        report = self.report
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            report(ScanIssue(path=prefix.rstrip("/") or ".", reason=_folder_reason(exc)))
            return [], []
        entries.sort(key=_by_name)
        files: list[FileEntry] = []
        subfolders: list[Folder] = []
        for entry in entries:
            name = entry.name
            if not name.isascii():
                name = _display(name, prefix, report)
            try:
                # One lstat per entry, as the floor does; the entry's type comes with it.
                info = entry.stat(follow_symlinks=False)
            except OSError as exc:
                report(ScanIssue(path=prefix + name, reason=f"cannot read: {exc.strerror or exc}"))
                continue
            if S_ISREG(info.st_mode):
                files.append(_new_entry(FileEntry, (prefix + name, info.st_size, info.st_mtime)))
                continue
            rel = prefix + name
            is_link = S_ISLNK(info.st_mode)
            if is_link:
                info = _follow_link(entry.path, self.root, rel, report)
                if info is None:
                    continue
            mode = info.st_mode
            if S_ISREG(mode):
                files.append(FileEntry(rel, info.st_size, info.st_mtime))
            elif S_ISDIR(mode):
                # Every folder a link can reach inside the root is walked by its real path, so
                # following links would only count files twice or loop.
                if is_link:
                    report(ScanIssue(path=rel, reason=_LINKED_FOLDER))
                    continue
                key = (info.st_dev, info.st_ino)
                if key in self.visited:
                    report(ScanIssue(path=rel, reason=_WALKED))
                    continue
                self.visited.add(key)
                subfolders.append((entry.path, rel + "/"))
        return files, subfolders


def _follow_link(link: str, real_root: str, rel: str, report: IssueSink) -> os.stat_result | None:
    try:
        real = os.path.realpath(link)
    except RecursionError:  # realpath recurses once per link: a chain of thousands
        report(ScanIssue(path=rel, reason=f"{_CHAIN_TOO_LONG}; skipped"))
        return None
    if not _inside(real, real_root):
        report(ScanIssue(path=rel, reason="symlink leads outside the collection; not followed"))
        return None
    try:
        return os.stat(real)
    except OSError as exc:
        report(ScanIssue(path=rel, reason=f"{_link_reason(exc)}; skipped"))
        return None


_CHAIN_TOO_LONG = "symlink chain too long to follow (more links than the system resolves)"


def _link_reason(exc: OSError) -> str:
    # realpath stops where links come round again, so a loop (`a -> b`, `b -> a`) stays inside
    # the root and only stat's error tells it apart from a link to nothing.
    if exc.errno == errno.ELOOP:
        return "symlink loop (following it goes round in circles and never reaches a file)"
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return "broken symlink (its target is missing)"
    return f"symlink cannot be followed ({exc.strerror or exc})"


def _folder_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "folder is not readable (permission denied); skipped"
    return f"folder cannot be read ({exc.strerror or exc}); skipped"
