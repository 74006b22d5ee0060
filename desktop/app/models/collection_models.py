"""The Collections view's tables: the collections with each tool's last result, and the
findings of the selected one (ten thousand rows and more: sorted in one pass, no row widgets)."""

from __future__ import annotations

from datetime import datetime

from shuttersense.common.results import ToolName

from ..api.collections_data import ANALYSED, CollectionRow
from ..api.findings import Finding
from ..api.overview import TOOL_LABELS
from .overview_models import when
from .table import Column, RowsModel

__all__ = ["collections_model", "findings_model", "issues"]


def issues(row: CollectionRow, tool: str) -> int | None:
    """What the tool's last analysed result found wrong; None without one."""
    result = row.latest.get(tool)
    return result.issues_found if result is not None and result.status in ANALYSED else None


def _issues_text(row: CollectionRow, tool: str) -> str:
    result = row.latest.get(tool)
    if result is None:
        return "—"
    if result.status not in ANALYSED:
        return result.status.lower()
    return f"{result.issues_found:,}"


def _last(row: CollectionRow) -> datetime | None:
    return max((r.created_at for r in row.latest.values()), default=None)


def _files(row: CollectionRow) -> int | None:
    return row.collection.file_count


def _issues_column(header: str, tool: str) -> Column[CollectionRow]:
    return Column(
        header,
        lambda r: _issues_text(r, tool),
        tooltip=lambda r: (r.latest[tool].error or "") if tool in r.latest else "",
        numeric=True,
        value=lambda r: issues(r, tool),
    )


def collections_model() -> RowsModel[CollectionRow]:
    return RowsModel(
        [
            Column("Collection", lambda r: r.collection.name),
            Column(
                "Folder", lambda r: r.collection.root_path, tooltip=lambda r: r.collection.root_path
            ),
            Column("Pipeline", lambda r: r.pipeline),
            Column(
                "Files",
                lambda r: "—" if _files(r) is None else f"{_files(r):,}",
                numeric=True,
                value=_files,
            ),
            _issues_column("Orphaned files", ToolName.PHOTOSTATS),
            _issues_column("Invalid names", ToolName.PHOTO_PAIRING),
            _issues_column("Not consistent", ToolName.PIPELINE_VALIDATION),
            Column(
                "Last result",
                lambda r: "never" if _last(r) is None else when(_last(r)),  # type: ignore[arg-type]
                value=_last,
            ),
        ]
    )


def findings_model() -> RowsModel[Finding]:
    return RowsModel(
        [
            Column("Tool", lambda f: TOOL_LABELS.get(f.tool, f.tool)),
            Column("What to fix", lambda f: f.what, tooltip=lambda f: f.what),
            Column("Folder", lambda f: f.folder, tooltip=lambda f: f.folder),
            Column("Names", lambda f: f.names),
            Column("Count", lambda f: f"{f.count:,}", numeric=True, value=lambda f: f.count),
        ]
    )
