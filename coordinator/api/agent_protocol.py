"""The agent protocol, `/api/agent/v1`: registration and its end, heartbeats, pool status."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Collection, Pipeline, PipelineVersion
from ..models.base import utcnow
from ..schemas.agent_protocol import (
    AgentConfig,
    CollectionCreate,
    CollectionOut,
    HeartbeatRequest,
    HeartbeatResponse,
    PipelineOut,
    RegisterRequest,
    RegisterResponse,
)
from ..schemas.agents import PoolStatus
from ..services import agent_admin, agents, collections, rate_limits
from ..services.agent_identity import authenticate_agent
from ..services.config import team_config
from .answers import TOO_MANY, problem
from .deps import AgentCallDep, AgentDep, AgentKey, CallerTeam, SessionDep
from .routing import ApiRoute

__all__ = ["router"]

router = APIRouter(prefix="/api/agent/v1", tags=["agent protocol"], route_class=ApiRoute)


@router.post(
    "/register",
    response_model=RegisterResponse,
    status_code=201,
    responses={**problem(401, "the registration token is unknown, used or expired"), **TOO_MANY},
)
def register(body: RegisterRequest, request: Request, session: SessionDep) -> RegisterResponse:
    """Enrol an agent with a one-time registration token; the key is shown only here."""
    address = request.client.host if request.client else "unknown"
    rate_limits.hit(
        session, rate_limits.AGENT_REGISTRATION, f"addr:{address}", f"tok:{body.registration_token}"
    )
    details = body.model_dump(exclude={"registration_token"})
    enrolled = agents.register_agent(session, body.registration_token, details)
    return RegisterResponse(
        agent_guid=enrolled.agent.guid,
        agent_key=enrolled.key,
        team_guid=enrolled.team.guid,
        heartbeat_interval=agents.HEARTBEAT_INTERVAL,
        poll_interval=agents.POLL_INTERVAL,
    )


@router.post(
    "/deregister",
    status_code=204,
    responses=problem(401, "no agent holds this key"),
)
def deregister(key: AgentKey, session: SessionDep) -> Response:
    """This agent leaves the coordinator (its computer moves elsewhere): it is revoked as an
    admin would revoke it (its key stops working, the jobs it held are queued again) and stays
    listed, marked revoked. Harmless when it is revoked already; only the agent itself can."""
    agent_admin.deregister_agent(session, authenticate_agent(session, key, revoked_too=True))
    return Response(status_code=204)


@router.post("/heartbeat", response_model=HeartbeatResponse)
async def heartbeat(body: HeartbeatRequest, call: AgentCallDep) -> HeartbeatResponse:
    """Every 30 s: the agent's state and the jobs it holds in, pending commands (such as
    cancellations) out. The agent's other claims are released (docs/agent-protocol.md)."""
    report, received = body.model_dump(), utcnow()
    commands = await call.run_with_key(
        lambda session, key: agents.heartbeat(session, key, report, received)
    )
    return HeartbeatResponse(
        server_time=utcnow(), heartbeat_interval=agents.HEARTBEAT_INTERVAL, commands=commands
    )


@router.get("/pool-status", response_model=PoolStatus)
def pool_status(team_id: CallerTeam, session: SessionDep) -> PoolStatus:
    """The agents of the caller's team: online, offline, idle, busy, and an overall status. An
    agent key, a user's API token or a session cookie may ask (monitoring uses this)."""
    return PoolStatus.model_validate(agent_admin.pool_status(session, team_id))


@router.get("/collections", response_model=list[CollectionOut])
def list_collections(agent: AgentDep, session: SessionDep) -> list[CollectionOut]:
    """The collections bound to this agent."""
    bound = collections.agent_collections(session, agent)
    refs = collections.CollectionRefs(session, bound)
    return [_collection_out(c, refs) for c in bound]


@router.post("/collections", response_model=CollectionOut, status_code=201)
def create_collection(
    body: CollectionCreate, agent: AgentDep, session: SessionDep
) -> CollectionOut:
    """A collection for a folder on this agent's machine, inside its authorized roots."""
    created = collections.create_agent_collection(
        session, agent, body.name, body.root_path, body.authorized_roots
    )
    return _collection_out(created, collections.CollectionRefs(session, [created]))


def _collection_out(collection: Collection, refs: collections.CollectionRefs) -> CollectionOut:
    return CollectionOut(
        guid=collection.guid,
        name=collection.name,
        root_path=collection.root_path,
        pipeline_guid=refs.pipeline(collection),
    )


def _pipeline_out(session: Session, pipeline: Pipeline, version: int) -> PipelineOut:
    definition = session.scalar(
        select(PipelineVersion.definition).where(
            PipelineVersion.pipeline_id == pipeline.id, PipelineVersion.version == version
        )
    )
    return PipelineOut(
        guid=pipeline.guid, name=pipeline.name, version=version, definition=definition or {}
    )


@router.get("/config", response_model=AgentConfig)
def agent_config(agent: AgentDep, session: SessionDep) -> AgentConfig:
    """What the agent needs to analyse offline: the team config and the pipelines in use."""
    default = session.scalar(
        select(Pipeline).where(
            Pipeline.team_id == agent.team_id,
            Pipeline.is_default.is_(True),
            Pipeline.is_valid.is_(True),
            Pipeline.is_active.is_(True),
        )
    )
    return AgentConfig(
        config=team_config(session, agent.team_id).model_dump(mode="json"),
        default_pipeline=_pipeline_out(session, default, default.current_version)
        if default
        else None,
        pipelines=[
            _pipeline_out(session, pipeline, version)
            for pipeline, version in collections.agent_pipelines(session, agent)
        ],
    )
