"""The Pipelines view's list: each pipeline with its version and whether it can be used."""

from __future__ import annotations

from PySide6.QtGui import QColor

from ..api.models import Pipeline
from .overview_models import when
from .table import Column, RowsModel

__all__ = ["pipeline_state", "pipelines_model"]

_INVALID = QColor("#d3343b")


def pipeline_state(pipeline: Pipeline) -> str:
    if not pipeline.is_valid:
        return "invalid"
    return "team default" if pipeline.is_default else "active" if pipeline.is_active else "inactive"


def _state_tooltip(pipeline: Pipeline) -> str:
    changed = f"version {pipeline.current_version}, saved {when(pipeline.updated_at)}"
    return "\n".join([changed, *pipeline.errors])


def pipelines_model() -> RowsModel[Pipeline]:
    return RowsModel(
        [
            Column("Pipeline", lambda p: p.name, tooltip=lambda p: p.description),
            Column(
                "State",
                lambda p: f"v{p.current_version} · {pipeline_state(p)}",
                tooltip=_state_tooltip,
                colour=lambda p: None if p.is_valid else _INVALID,
                value=pipeline_state,
            ),
        ]
    )
