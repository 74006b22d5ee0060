"""One scan of a collection (D1): the listing every tool of a run shares."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .collector import collector_paused
from .files import FileEntry
from .progress import NullProgress, ProgressSink
from .results import ScanIssue
from .scanner import check_collection_root, scan_batches
from .split_walk import scan_batches_in_two
from .state_hash import file_list_hash

__all__ = ["SCAN_TICK", "Listing", "scan_collection"]

SCAN_TICK = 2048  # files found between two progress reports of the scan


@dataclass(frozen=True)
class Listing:
    """One scan of a collection: the files, what could not be read, and how long it took."""

    root: Path
    entries: list[FileEntry]
    issues: list[ScanIssue]
    scan_time: float

    @cached_property
    def files_hash(self) -> str:
        """The file part of the input-state hash (7.1), computed once per listing: an agent
        compares hashes before it analyses, and the analysis reports them again."""
        return file_list_hash(self.entries)


def scan_collection(
    root: Path, progress: ProgressSink | None = None, *, in_two: bool = False
) -> Listing:
    """The one streaming pass over `root` every tool of a run shares (D1). `in_two` walks half
    of the folders in a forked child: only for a single-threaded caller (common/beside.py)."""
    sink = progress or NullProgress()
    root = check_collection_root(root)
    started = time.perf_counter()
    issues: list[ScanIssue] = []
    entries: list[FileEntry] = []
    reported = 0
    with collector_paused():
        walk = scan_batches_in_two if in_two else scan_batches
        for batch in walk(root, issues.append):
            entries.extend(batch)
            if len(entries) - reported >= SCAN_TICK:
                reported = len(entries)
                sink.update("scanning", reported, None)
    sink.update("scanning", len(entries), len(entries))
    return Listing(root, entries, issues, round(time.perf_counter() - started, 3))
