"""What deserves a desktop notification since the last look: a job that failed, a collection
that got worse, a coordinator silent for more than a few minutes. Qt-free.

The first look only takes note of what is there: starting the app does not replay old news.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from ..api.overview import ISSUE_LABELS, TOOL_LABELS, Overview

__all__ = ["UNREACHABLE_AFTER", "NewsTracker", "Notice", "NoticeKind"]

UNREACHABLE_AFTER = 180.0  # seconds without an answer before the user is told


class NoticeKind(StrEnum):
    """The kinds of desktop notification, each switchable in Settings."""

    JOB_FAILED = "job_failed"
    COLLECTION_WORSE = "collection_worse"
    COORDINATOR_UNREACHABLE = "coordinator_unreachable"


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    title: str
    text: str


def _tool(tool: str) -> str:
    return TOOL_LABELS.get(tool, tool)


class NewsTracker:
    def __init__(
        self,
        unreachable_after: float = UNREACHABLE_AFTER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._after = unreachable_after
        self._clock = clock
        self._failed: set[str] | None = None
        self._worse: set[str] | None = None
        self._silent_since: float | None = None
        self._told_silence = False

    def overview(self, overview: Overview) -> list[Notice]:
        """Notices for the failures and worsenings this overview is the first to show."""
        self.reachable()
        failed = {job.guid for job in overview.failed_jobs}
        worse = {item.result_guid for item in overview.worse}
        first_look = self._failed is None or self._worse is None
        new_failed = set() if first_look else failed - (self._failed or set())
        new_worse = set() if first_look else worse - (self._worse or set())
        self._failed, self._worse = failed, worse
        notices = [
            Notice(
                NoticeKind.JOB_FAILED,
                "A job failed",
                f"{_tool(job.tool)} on {overview.names.get(job.collection or '', 'a collection')}"
                f": {job.error or 'no reason given'}",
            )
            for job in overview.failed_jobs
            if job.guid in new_failed
        ]
        notices += [
            Notice(
                NoticeKind.COLLECTION_WORSE,
                f"{item.collection} got worse",
                f"{_tool(item.tool)}: {item.before} → {item.after} "
                f"{ISSUE_LABELS.get(item.tool, 'issues')}",
            )
            for item in overview.worse
            if item.result_guid in new_worse
        ]
        return notices

    def unreachable(self, server: str, reason: str) -> list[Notice]:
        """A notice once the coordinator has not answered for `unreachable_after` seconds."""
        now = self._clock()
        if self._silent_since is None:
            self._silent_since = now
        silent = now - self._silent_since
        if self._told_silence or silent < self._after:
            return []
        self._told_silence = True
        return [
            Notice(
                NoticeKind.COORDINATOR_UNREACHABLE,
                "Coordinator unreachable",
                f"{server} has not answered for {silent / 60:.0f} minutes ({reason}). Results "
                "are kept on this computer and upload when it is back.",
            )
        ]

    def reachable(self) -> None:
        self._silent_since = None
        self._told_silence = False
