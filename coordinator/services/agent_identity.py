"""Who is calling: the agent behind an `agt_key_…`, found by the SHA-256 of the key.

The agent protocol's busiest calls (heartbeat, claim, progress, complete) need only the agent's
id and team, so they get a `CallingAgent` from one indexed SELECT of three columns; the rarer
routes load the whole `Agent` row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..errors import Unauthorized
from ..hashed_secrets import hash_secret
from ..models import Agent

__all__ = ["UNKNOWN_KEY", "AgentIdentity", "CallingAgent", "authenticate_agent", "identify_agent"]

UNKNOWN_KEY = "unknown agent key: register this agent again"
_REVOKED = "this agent was revoked: register it again with a new token"
_agents = Agent.__table__
_BY_KEY = select(_agents.c.id, _agents.c.team_id, _agents.c.revoked_at).where(
    _agents.c.key_hash == bindparam("key")
)


class AgentIdentity(Protocol):
    """What the job services need of the calling agent; an `Agent` row has it too."""

    @property
    def id(self) -> int: ...

    @property
    def team_id(self) -> int: ...


@dataclass(frozen=True, slots=True)
class CallingAgent:
    id: int
    team_id: int


def identify_agent(session: Session, key: str) -> CallingAgent:
    """The active agent holding `key`; Unauthorized for unknown or revoked keys."""
    row = session.connection().execute(_BY_KEY, {"key": hash_secret(key)}).first()
    if row is None:
        raise Unauthorized(UNKNOWN_KEY)
    if row.revoked_at is not None:
        raise Unauthorized(_REVOKED)
    return CallingAgent(row.id, row.team_id)


def authenticate_agent(session: Session, key: str, *, revoked_too: bool = False) -> Agent:
    """The active agent holding `key`, as a whole row; Unauthorized as `identify_agent`.
    `revoked_too`: a revoked agent's key still names it (for a call that is harmless then)."""
    agent = session.scalar(select(Agent).where(Agent.key_hash == hash_secret(key)))
    if agent is None:
        raise Unauthorized(UNKNOWN_KEY)
    if agent.revoked_at is not None and not revoked_too:
        raise Unauthorized(_REVOKED)
    return agent
