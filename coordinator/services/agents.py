"""Agents: enrolment with a one-time registration token, heartbeats, the pool's state."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..errors import Unauthorized
from ..hashed_secrets import hash_secret, new_secret
from ..ids import new_guid
from ..models import Agent, Job, RegistrationToken, Team
from ..models.base import utcnow
from . import audit
from .jobs import LEASE

__all__ = [
    "HEARTBEAT_INTERVAL",
    "OFFLINE_AFTER",
    "POLL_INTERVAL",
    "EnrolledAgent",
    "authenticate_agent",
    "heartbeat",
    "pool_counts",
    "register_agent",
]

HEARTBEAT_INTERVAL = 30
POLL_INTERVAL = 30
OFFLINE_AFTER = timedelta(seconds=90)
KEY_PREFIX = "agt_key_"


@dataclass(frozen=True)
class EnrolledAgent:
    agent: Agent
    key: str
    team: Team


def register_agent(session: Session, token: str, details: dict[str, Any]) -> EnrolledAgent:
    """Spend `token` on a new agent; Unauthorized says why a token cannot be used."""
    record = session.scalar(
        select(RegistrationToken)
        .where(RegistrationToken.token_hash == hash_secret(token))
        .with_for_update()
    )
    if record is None:
        raise Unauthorized("invalid registration token: ask an admin for a new one")
    if record.used_at is not None:
        raise Unauthorized("this registration token was already used: ask for a new one")
    if record.expires_at <= utcnow():
        raise Unauthorized("this registration token has expired: ask for a new one")
    key = new_secret(KEY_PREFIX)
    agent = Agent(
        guid=new_guid("agt"),
        team_id=record.team_id,
        key_hash=hash_secret(key),
        status="idle",
        last_heartbeat_at=utcnow(),
        **details,
    )
    session.add(agent)
    session.flush()
    record.used_at = utcnow()
    record.agent_id = agent.id
    audit.record(
        session,
        record.team_id,
        "agent.registered",
        agent.guid,
        {"name": agent.name, "hostname": agent.hostname},
        agent_id=agent.id,
    )
    session.commit()
    team = session.get_one(Team, record.team_id)
    return EnrolledAgent(agent, key, team)


def authenticate_agent(session: Session, key: str) -> Agent:
    """The active agent holding `key`; Unauthorized for unknown or revoked keys."""
    agent = session.scalar(select(Agent).where(Agent.key_hash == hash_secret(key)))
    if agent is None:
        raise Unauthorized("unknown agent key: register this agent again")
    if agent.revoked_at is not None:
        raise Unauthorized("this agent was revoked: register it again with a new token")
    return agent


def heartbeat(session: Session, agent: Agent, report: dict[str, Any]) -> list[dict[str, str]]:
    """Record what the agent says of itself; return the commands waiting for it."""
    agent.status = report["status"]
    agent.last_heartbeat_at = utcnow()
    agent.metrics = report.get("metrics") or {}
    for field in ("authorized_roots", "capabilities"):
        if report.get(field) is not None:
            setattr(agent, field, report[field])
    leased = session.execute(
        update(Job)
        .where(Job.claimed_by_id == agent.id, Job.status.in_(("claimed", "running")))
        .values(lease_expires_at=utcnow() + LEASE)
        .returning(Job.guid, Job.cancel_requested)
        .execution_options(synchronize_session=False)
    ).all()
    session.commit()
    cancelled = [guid for guid, cancel_requested in leased if cancel_requested]
    return [{"type": "cancel_job", "job": guid} for guid in cancelled]


def pool_counts(session: Session, team_id: int) -> dict[str, int]:
    """Agents of the team by state; an agent silent for 90 s counts as offline."""
    agents = session.scalars(
        select(Agent).where(Agent.team_id == team_id, Agent.revoked_at.is_(None))
    ).all()
    cutoff = utcnow() - OFFLINE_AFTER
    states = Counter(
        "offline" if a.last_heartbeat_at is None or a.last_heartbeat_at < cutoff else a.status
        for a in agents
    )
    online = len(agents) - states["offline"]
    return {
        "total": len(agents),
        "online": online,
        "offline": states["offline"],
        "idle": states["idle"],
        "busy": states["busy"],
        "paused": states["paused"],
    }
