"""The walk in two halves on two cores, for single-threaded callers (see common/beside.py).

The walk goes down from the root while each folder has one subfolder. At the first folder with
several, a forked child walks the second half of its subfolders while this process walks the
first. The batches, their order and the issues are exactly those of `scanner.scan_batches`:
the first half comes first in a depth-first walk anyway. Only one case needs care: a folder
reachable from both halves (a bind mount), which one walk lists once. When the two halves
saw a folder in common, the second half is walked again here, after the first, as one walk
would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .beside import Beside
from .files import FileEntry
from .results import ScanIssue
from .scanner import Folder, IssueSink, Walker

__all__ = ["scan_batches_in_two"]

_Seen = set[tuple[int, int]]
_new_entry = tuple.__new__


def scan_batches_in_two(root: Path | str, on_issue: IssueSink) -> Iterator[list[FileEntry]]:
    """`scan_batches(root, on_issue)`, with half of the folders walked in a child process."""
    walker = Walker(root, on_issue)
    return _walk(walker)


def _walk(walker: Walker) -> Iterator[list[FileEntry]]:
    folder: Folder = (walker.root, "")
    while True:
        files, subfolders = walker.folder(*folder)
        if files:
            yield files
        if len(subfolders) != 1:
            break
        folder = subfolders[0]
    half = (len(subfolders) + 1) // 2
    first, second = subfolders[:half], subfolders[half:]
    if not second:
        yield from walker.batches(first)
        return
    inherited = set(walker.visited)
    helper = Beside(lambda: _second_half(walker, second, inherited))
    try:
        yield from walker.batches(list(reversed(first)))
    except BaseException:
        helper.cancel()
        raise
    batches, issues, seen = helper.result()
    if seen & (walker.visited - inherited):
        yield from walker.batches(list(reversed(second)))
        return
    for issue in issues:
        walker.report(issue)
    walker.visited |= seen
    batches.reverse()
    while batches:  # each batch of plain tuples is freed once it is turned into records
        yield [_new_entry(FileEntry, entry) for entry in batches.pop()]


def _second_half(
    walker: Walker, second: list[Folder], inherited: _Seen
) -> tuple[list[list[tuple[str, int, float]]], list[ScanIssue], _Seen]:
    """In the child: walk `second` with issues kept aside; plain tuples pickle faster."""
    issues: list[ScanIssue] = []
    walker.report = issues.append
    batches = [list(map(tuple, batch)) for batch in walker.batches(list(reversed(second)))]
    return batches, issues, walker.visited - inherited
