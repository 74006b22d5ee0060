"""The Agents view's tables: the team's agents with their state, and registration tokens."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from PySide6.QtGui import QColor

from ..api.models import Agent, RegistrationTokenInfo
from .overview_models import when
from .table import Column, RowsModel

__all__ = ["agents_model", "state_text", "tokens_model"]

_COLOURS = {
    "idle": QColor("#2e8b57"),
    "busy": QColor("#2f7fd8"),
    "paused": QColor("#c77c00"),
    "offline": QColor("#7a7a7a"),
}


def state_text(agent: Agent) -> str:
    return "revoked" if agent.revoked else agent.status


def _moment(value: datetime | None, never: str = "never") -> str:
    return never if value is None else when(value)


def agents_model() -> RowsModel[Agent]:
    return RowsModel(
        [
            Column("Name", lambda a: a.name),
            Column("State", state_text, colour=lambda a: _COLOURS.get(state_text(a))),
            Column(
                "Last heartbeat",
                lambda a: _moment(a.last_heartbeat_at),
                tooltip=lambda a: a.last_heartbeat_at.isoformat() if a.last_heartbeat_at else "",
                value=lambda a: a.last_heartbeat_at,
            ),
            Column("Computer", lambda a: a.hostname),
            Column("System", lambda a: a.platform),
            Column("Version", lambda a: a.version),
        ]
    )


def tokens_model(agent_names: Mapping[str, str]) -> RowsModel[RegistrationTokenInfo]:
    """`agent_names`: agent GUID → name, read as the rows are drawn."""
    return RowsModel(
        [
            Column("Created", lambda t: when(t.created_at), value=lambda t: t.created_at),
            Column("Expires", lambda t: when(t.expires_at), value=lambda t: t.expires_at),
            Column("Used", lambda t: _moment(t.used_at, "not yet"), value=lambda t: t.used_at),
            Column("Enrolled", lambda t: agent_names.get(t.agent or "", t.agent or "—")),
        ]
    )
