"""The team's audit log, `/api/audit` (admins): who did what to which thing, newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..models import Agent, AuditEvent, User
from ..schemas.audit import AuditEventOut
from .deps import AdminUser, SessionDep
from .routing import ApiRoute

__all__ = ["router"]

router = APIRouter(prefix="/api/audit", tags=["audit"], route_class=ApiRoute)


@router.get("", response_model=list[AuditEventOut])
def list_events(
    user: AdminUser,
    session: SessionDep,
    action: Annotated[str | None, Query(max_length=100)] = None,
    target: Annotated[str | None, Query(max_length=30)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[AuditEventOut]:
    actor, machine = aliased(User), aliased(Agent)
    query = (
        select(AuditEvent, actor.guid, machine.guid)
        .outerjoin(actor, actor.id == AuditEvent.actor_user_id)
        .outerjoin(machine, machine.id == AuditEvent.actor_agent_id)
        .where(AuditEvent.team_id == user.team_id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    if action is not None:
        query = query.where(AuditEvent.action == action)
    if target is not None:
        query = query.where(AuditEvent.target == target)
    return [
        AuditEventOut(
            guid=event.guid,
            action=event.action,
            target=event.target,
            actor_user=user_guid,
            actor_agent=agent_guid,
            details=event.details,
            address=event.address,
            created_at=event.created_at,
        )
        for event, user_guid, agent_guid in session.execute(query)
    ]
