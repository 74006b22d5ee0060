"""Agents: enrolment with a one-time registration token, heartbeats, the pool's state."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Update, bindparam, select, update
from sqlalchemy.orm import Session

from ..errors import Unauthorized
from ..hashed_secrets import hash_secret, new_secret
from ..ids import new_guid
from ..models import Agent, RegistrationToken, Team
from ..models.base import utcnow
from . import audit
from .agent_identity import UNKNOWN_KEY, identify_agent
from .leases import heartbeat_leases

__all__ = [
    "HEARTBEAT_INTERVAL",
    "OFFLINE_AFTER",
    "POLL_INTERVAL",
    "EnrolledAgent",
    "heartbeat",
    "pool_counts",
    "register_agent",
]

HEARTBEAT_INTERVAL = 30
POLL_INTERVAL = 30
OFFLINE_AFTER = timedelta(seconds=90)
KEY_PREFIX = "agt_key_"
_agents = Agent.__table__


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


@cache
def _beat(fields: frozenset[str]) -> Update:
    """UPDATE agents SET (the reported fields) for the active agent with the key; RETURNING its
    id: a heartbeat authenticates and records in one statement."""
    return (
        update(_agents)
        .where(_agents.c.key_hash == bindparam("key"), _agents.c.revoked_at.is_(None))
        .values({name: bindparam(f"set_{name}") for name in sorted(fields)})
        .returning(_agents.c.id)
    )


def heartbeat(
    session: Session, key: str, report: dict[str, Any], received: datetime | None = None
) -> list[dict[str, str]]:
    """Record what the agent holding `key` says of itself, renew the leases of the jobs it
    names and release the claims it no longer knows (leases.py); return the commands waiting
    for it. `received`: when the heartbeat reached the coordinator (default: now).
    Unauthorized for unknown or revoked keys."""
    now = utcnow()
    values = {
        "status": report["status"],
        "last_heartbeat_at": now,
        "metrics": report.get("metrics") or {},
        **{f: report[f] for f in ("authorized_roots", "capabilities") if report.get(f) is not None},
    }
    connection = session.connection()
    agent_id = connection.execute(
        _beat(frozenset(values)),
        {"key": hash_secret(key), **{f"set_{k}": v for k, v in values.items()}},
    ).scalar()
    if agent_id is None:
        identify_agent(session, key)  # raises: says whether the key is unknown or revoked
        raise Unauthorized(UNKNOWN_KEY)
    commands = heartbeat_leases(session, agent_id, report, received or now, now)
    session.commit()
    return commands


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
