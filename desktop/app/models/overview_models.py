"""The Overview's tables: recent results with their KPIs, and collections that got worse."""

from __future__ import annotations

from datetime import datetime

from ..api.overview import ISSUE_LABELS, TOOL_LABELS, RecentResult, Worsening
from .table import Column, RowsModel

__all__ = ["recent_results_model", "when", "worse_collections_model"]


def when(moment: datetime) -> str:
    """A moment in local time, short: today's as 14:03, older ones as 2 Dec 14:03."""
    local = moment.astimezone()
    if local.date() == datetime.now().astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%-d %b %H:%M")


def _issues(tool: str, count: int) -> str:
    return f"{count:,} {ISSUE_LABELS.get(tool, 'issues')}"


def recent_results_model() -> RowsModel[RecentResult]:
    return RowsModel(
        [
            Column("When", lambda r: when(r.created_at), lambda r: r.created_at.isoformat()),
            Column("Collection", lambda r: r.collection),
            Column("Tool", lambda r: TOOL_LABELS.get(r.tool, r.tool)),
            Column("Files", lambda r: f"{r.files_scanned:,}", numeric=True),
            Column("Issues", lambda r: _issues(r.tool, r.issues_found), numeric=True),
            Column("Status", lambda r: r.status.replace("_", " ").lower()),
        ]
    )


def worse_collections_model() -> RowsModel[Worsening]:
    return RowsModel(
        [
            Column("Collection", lambda w: w.collection),
            Column("Tool", lambda w: TOOL_LABELS.get(w.tool, w.tool)),
            Column(
                "Change",
                lambda w: f"{w.before:,} → {_issues(w.tool, w.after)}",
                numeric=True,
            ),
            Column("When", lambda w: when(w.created_at), lambda w: w.created_at.isoformat()),
        ]
    )
