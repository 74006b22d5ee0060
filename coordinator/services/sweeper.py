"""The sweeper: ends the claims whose lease ran out as lost (leases.py: re-queued, failed when
out of attempts, cancelled when cancellation was asked for), marks silent agents offline
(an `agent_offline` event each, once per going offline),
deletes expired uploads, and deletes results past their team's retention, a batch at a time
(retention.py).

Any coordinator instance may run it; on PostgreSQL a transaction-level advisory lock lets only
one of them sweep at a time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session

from ..event_bus import Event
from ..models import Agent, Job
from ..models.base import utcnow
from .agents import OFFLINE_AFTER
from .job_events import note_event
from .job_lifecycle import ACTIVE
from .leases import lose
from .retention import RETENTION_BATCH, expire_results
from .sole_owner import sole_owner
from .uploads import sweep_uploads

__all__ = ["SWEEP_INTERVAL", "sweep"]

SWEEP_INTERVAL = 10.0
_LOCK_KEY = 0x5353_5745  # "SSWE": one sweeper at a time across instances


def _offline_event(agent: Row[Any]) -> Event:
    return {
        "team": agent.team_id,
        "event": "agent_offline",
        "agent_guid": agent.guid,
        "agent_name": agent.name,
        "last_heartbeat_at": agent.last_heartbeat_at.isoformat(),
    }


def sweep(
    session: Session, *, now: datetime | None = None, retention_batch: int = RETENTION_BATCH
) -> dict[str, int]:
    """One pass at `now` (default: the time now); returns how many jobs were re-queued, failed
    or cancelled, agents marked offline, expired uploads and results deleted."""
    counts = dict.fromkeys(("requeued", "failed", "cancelled", "offline", "uploads", "results"), 0)
    if not sole_owner(session, _LOCK_KEY):
        return counts
    now = now or utcnow()
    expired = session.scalars(
        select(Job)
        .where(Job.status.in_(ACTIVE), Job.lease_expires_at < now)
        .with_for_update(skip_locked=True)
    ).all()
    for job in expired:
        lose(session, job, "the lease expired")
        counts["requeued" if job.status == "queued" else job.status] += 1
    went_offline = session.execute(
        update(Agent)
        .where(Agent.status != "offline", Agent.last_heartbeat_at < now - OFFLINE_AFTER)
        .values(status="offline")
        .returning(Agent.team_id, Agent.guid, Agent.name, Agent.last_heartbeat_at)
    ).all()
    for agent in went_offline:  # once per going offline: the next pass no longer matches it
        note_event(session, _offline_event(agent))
    counts["offline"] = len(went_offline)
    counts["uploads"] = sweep_uploads(session)
    counts["results"] = expire_results(session, now, retention_batch)
    session.commit()
    return counts
