"""The user side of agents: list, rename, revoke, pool status, registration tokens.

Every query filters by the caller's team: another team's GUID is NotFound, never Forbidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InvalidInput
from ..models import Agent, Job, RegistrationToken, Team
from ..models.base import utcnow
from ..models.team import User
from . import audit
from .agents import OFFLINE_AFTER, pool_counts
from .job_lifecycle import ACTIVE, give_back
from .lookup import in_team
from .registration import DEFAULT_EXPIRY_HOURS, IssuedToken, create_registration_token

__all__ = [
    "TokenRow",
    "agent_status",
    "create_token",
    "deregister_agent",
    "get_agent",
    "list_agents",
    "list_tokens",
    "overall_status",
    "pool_status",
    "rename_agent",
    "revoke_agent",
]


@dataclass(frozen=True)
class TokenRow:
    """A registration token record and the GUID of the agent that spent it, if any."""

    record: RegistrationToken
    agent_guid: str | None


def agent_status(agent: Agent, now: datetime | None = None) -> str:
    """The stored status, or "offline" when revoked or silent for longer than OFFLINE_AFTER."""
    now = now or utcnow()
    if agent.revoked_at is not None or agent.last_heartbeat_at is None:
        return "offline"
    if agent.last_heartbeat_at < now - OFFLINE_AFTER:
        return "offline"
    return agent.status


def list_agents(session: Session, team_id: int) -> list[Agent]:
    """The team's agents, oldest first; revoked ones included (they are marked)."""
    return list(session.scalars(select(Agent).where(Agent.team_id == team_id).order_by(Agent.id)))


def get_agent(session: Session, team_id: int, guid: str) -> Agent:
    return in_team(session, Agent, team_id, guid, "agent")


def rename_agent(session: Session, user: User, guid: str, name: str) -> Agent:
    agent = get_agent(session, user.team_id, guid)
    name = name.strip()
    if not name:
        raise InvalidInput("an agent needs a name")
    old, agent.name = agent.name, name
    audit.record(
        session,
        user.team_id,
        "agent.renamed",
        agent.guid,
        {"old": old, "new": agent.name},
        user_id=user.id,
    )
    session.commit()
    return agent


def revoke_agent(session: Session, user: User, guid: str) -> Agent:
    """Revoke the agent: its key stops working at once and the jobs it held go back to the queue.

    Queued jobs bound to it stay queued (moving their collection to another agent takes them
    along; or cancel them). Revoking twice is harmless and audited once.
    """
    agent = get_agent(session, user.team_id, guid)
    _revoke(session, agent, "agent.revoked", "the agent running it was revoked", user_id=user.id)
    return agent


def deregister_agent(session: Session, agent: Agent) -> None:
    """The agent ends its own registration (it leaves this coordinator): revoked as an admin
    would revoke it, audited as its own act. Once more is harmless and audited once."""
    _revoke(session, agent, "agent.deregistered", "the agent running it left", agent_id=agent.id)


def _revoke(
    session: Session,
    agent: Agent,
    action: str,
    why: str,
    *,
    user_id: int | None = None,
    agent_id: int | None = None,
) -> None:
    if agent.revoked_at is not None:
        return
    agent.revoked_at = utcnow()
    agent.status = "offline"
    held = session.scalars(
        select(Job).where(Job.claimed_by_id == agent.id, Job.status.in_(ACTIVE)).with_for_update()
    ).all()
    for job in held:
        give_back(job, why)
    audit.record(
        session,
        agent.team_id,
        action,
        agent.guid,
        {"name": agent.name, "requeued_jobs": [job.guid for job in held]},
        user_id=user_id,
        agent_id=agent_id,
    )
    session.commit()


def overall_status(counts: dict[str, int]) -> str:
    """`offline` with no agent online, `busy` when none of them is idle, else `available`."""
    if counts["online"] == 0:
        return "offline"
    if counts["idle"] == 0:
        return "busy"
    return "available"


def pool_status(session: Session, team_id: int) -> dict[str, int | str]:
    counts = pool_counts(session, team_id)
    return {**counts, "status": overall_status(counts)}


def create_token(
    session: Session, user: User, expires_hours: int = DEFAULT_EXPIRY_HOURS
) -> IssuedToken:
    """A one-time registration token of the caller's team (audited by the registration service)."""
    team = session.get_one(Team, user.team_id)
    return create_registration_token(
        session, team, expires_hours=expires_hours, created_by_id=user.id
    )


def list_tokens(session: Session, team_id: int) -> list[TokenRow]:
    """The team's registration tokens, newest first, with the agent each one enrolled."""
    rows = session.execute(
        select(RegistrationToken, Agent.guid)
        .outerjoin(Agent, Agent.id == RegistrationToken.agent_id)
        .where(RegistrationToken.team_id == team_id)
        .order_by(RegistrationToken.id.desc())
    ).all()
    return [TokenRow(record, agent_guid) for record, agent_guid in rows]
