"""Agents, `/api/agents`: the team's agents, pool status, rename, revoke, registration tokens.

Static paths (`pool-status`, `registration-tokens`) come before `/{guid}` so they are not taken
for GUIDs.
"""

from __future__ import annotations

from fastapi import APIRouter

from ..models import Agent
from ..models.base import utcnow
from ..schemas.agents import (
    AgentOut,
    AgentRename,
    PoolStatus,
    RegistrationTokenCreate,
    RegistrationTokenCreated,
    RegistrationTokenOut,
)
from ..services import agent_admin
from .deps import AdminUser, CurrentUser, SessionDep
from .routing import ApiRoute

__all__ = ["router"]

router = APIRouter(prefix="/api/agents", tags=["agents"], route_class=ApiRoute)

_UNAUTHORIZED = {401: {"description": "not signed in, or the token is invalid"}}
_ADMIN = {**_UNAUTHORIZED, 403: {"description": "only an admin of the team can do this"}}
_NOT_FOUND = {404: {"description": "no such agent in your team"}}


def _agent_out(agent: Agent) -> AgentOut:
    return AgentOut(
        guid=agent.guid,
        name=agent.name,
        hostname=agent.hostname,
        platform=agent.platform,
        version=agent.version,
        status=agent_admin.agent_status(agent, utcnow()),
        last_heartbeat_at=agent.last_heartbeat_at,
        capabilities=agent.capabilities or [],
        authorized_roots=agent.authorized_roots or [],
        created_at=agent.created_at,
        revoked=agent.revoked_at is not None,
        revoked_at=agent.revoked_at,
    )


@router.get("", response_model=list[AgentOut], responses=_UNAUTHORIZED)
def list_agents(user: CurrentUser, session: SessionDep) -> list[AgentOut]:
    """The team's agents, revoked ones included; silent for 90 s means offline."""
    return [_agent_out(agent) for agent in agent_admin.list_agents(session, user.team_id)]


@router.get("/pool-status", response_model=PoolStatus, responses=_UNAUTHORIZED)
def pool_status(user: CurrentUser, session: SessionDep) -> PoolStatus:
    """Active agents by state, and an overall offline/busy/available."""
    return PoolStatus.model_validate(agent_admin.pool_status(session, user.team_id))


@router.post(
    "/registration-tokens",
    response_model=RegistrationTokenCreated,
    status_code=201,
    responses=_ADMIN,
)
def create_registration_token(
    body: RegistrationTokenCreate, user: AdminUser, session: SessionDep
) -> RegistrationTokenCreated:
    """A one-time token to enrol an agent; copy it now, it is shown only here."""
    issued = agent_admin.create_token(session, user, body.expires_hours)
    return RegistrationTokenCreated(
        token=issued.token, guid=issued.record.guid, expires_at=issued.record.expires_at
    )


@router.get("/registration-tokens", response_model=list[RegistrationTokenOut], responses=_ADMIN)
def list_registration_tokens(user: AdminUser, session: SessionDep) -> list[RegistrationTokenOut]:
    """The team's registration tokens, newest first; the tokens themselves are never shown."""
    return [
        RegistrationTokenOut(
            guid=row.record.guid,
            created_at=row.record.created_at,
            expires_at=row.record.expires_at,
            used_at=row.record.used_at,
            agent=row.agent_guid,
        )
        for row in agent_admin.list_tokens(session, user.team_id)
    ]


@router.get("/{guid}", response_model=AgentOut, responses={**_UNAUTHORIZED, **_NOT_FOUND})
def get_agent(guid: str, user: CurrentUser, session: SessionDep) -> AgentOut:
    return _agent_out(agent_admin.get_agent(session, user.team_id, guid))


@router.patch("/{guid}", response_model=AgentOut, responses={**_ADMIN, **_NOT_FOUND})
def rename_agent(guid: str, body: AgentRename, user: AdminUser, session: SessionDep) -> AgentOut:
    return _agent_out(agent_admin.rename_agent(session, user, guid, body.name))


@router.post("/{guid}/revoke", response_model=AgentOut, responses={**_ADMIN, **_NOT_FOUND})
def revoke_agent(guid: str, user: AdminUser, session: SessionDep) -> AgentOut:
    """Revoke the agent: its key stops working now, the jobs it was running are queued again."""
    return _agent_out(agent_admin.revoke_agent(session, user, guid))
