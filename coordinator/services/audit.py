"""The audit trail: who did what to which thing, from which address, recorded in the caller's
transaction.

The address is the client address of the request being served: the edge
(`api/client_address.py`) sets `CLIENT_ADDRESS` for the request, so services need not carry it.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from sqlalchemy.orm import Session

from ..ids import new_guid
from ..models import AuditEvent

__all__ = ["CLIENT_ADDRESS", "record"]

CLIENT_ADDRESS: ContextVar[str | None] = ContextVar("client_address", default=None)


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
            address=CLIENT_ADDRESS.get(),
        )
    )
