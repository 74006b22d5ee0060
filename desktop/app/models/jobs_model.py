"""The Jobs view's table: the team's jobs with their live progress and, for a failed one, why."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtGui import QColor

from ..api.models import JobSummary
from ..api.overview import TOOL_LABELS
from .overview_models import when
from .table import Column, RowsModel

__all__ = ["ENDED", "jobs_model", "percent"]

ENDED = ("completed", "no_change", "failed", "cancelled")
_FAILED = QColor("#d3343b")


def percent(job: JobSummary) -> float | None:
    """How far a running job is (its agent's last report); None when it is not running."""
    if job.status not in ("claimed", "running"):
        return None
    value = job.progress.get("percent")
    return float(value) if isinstance(value, int | float) else 0.0


def _status(job: JobSummary) -> str:
    text = job.status.replace("_", " ")
    return f"{text} (cancel asked)" if job.cancel_requested and job.status not in ENDED else text


def _stage(job: JobSummary) -> str:
    parts = [str(job.progress.get(k) or "") for k in ("stage", "message")]
    return " — ".join(part for part in parts if part)


def _reason(job: JobSummary) -> str:
    return (job.error or "").partition("\n")[0]


def jobs_model(names: Mapping[str, str]) -> RowsModel[JobSummary]:
    """`names`: collection GUID → name, read as the rows are drawn."""
    return RowsModel(
        [
            Column("Queued", lambda j: when(j.created_at), value=lambda j: j.created_at),
            Column("Collection", lambda j: names.get(j.collection or "", j.collection or "—")),
            Column("Tool", lambda j: TOOL_LABELS.get(j.tool, j.tool)),
            Column(
                "Status",
                _status,
                colour=lambda j: _FAILED if j.status == "failed" else None,
            ),
            Column("Progress", _stage, tooltip=_stage, value=percent),
            Column("Attempts", lambda j: f"{j.attempts} of {j.max_attempts}", numeric=True),
            Column(
                "Reason",
                lambda j: (j.error or "").partition("\n")[0],
                tooltip=lambda j: j.error or "",
            ),
        ]
    )
