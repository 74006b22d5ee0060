"""The audit trail: who did what to which thing, recorded in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..ids import new_guid
from ..models import AuditEvent

__all__ = ["record"]


def record(
    session: Session,
    team_id: int,
    action: str,
    target: str | None,
    details: dict[str, Any] | None = None,
    *,
    user_id: int | None = None,
    agent_id: int | None = None,
) -> None:
    """Add an audit event; it is committed (or rolled back) with the change it describes."""
    session.add(
        AuditEvent(
            guid=new_guid("aud"),
            team_id=team_id,
            actor_user_id=user_id,
            actor_agent_id=agent_id,
            action=action,
            target=target,
            details=details or {},
        )
    )
