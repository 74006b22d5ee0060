"""The sweeper: re-queues jobs whose lease ran out (failing those out of attempts, with a FAILED
result), marks silent agents offline, deletes expired uploads, and deletes results past their
team's retention, a batch at a time (retention.py).

Any coordinator instance may run it; on PostgreSQL a transaction-level advisory lock lets only
one of them sweep at a time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import Agent, Job
from ..models.base import utcnow
from .agents import OFFLINE_AFTER
from .jobs import ACTIVE, end_unsuccessfully, requeue
from .retention import RETENTION_BATCH, expire_results
from .sole_owner import sole_owner
from .uploads import sweep_uploads

__all__ = ["SWEEP_INTERVAL", "sweep"]

SWEEP_INTERVAL = 10.0
_LOCK_KEY = 0x5353_5745  # "SSWE": one sweeper at a time across instances


def sweep(
    session: Session, *, now: datetime | None = None, retention_batch: int = RETENTION_BATCH
) -> dict[str, int]:
    """One pass at `now` (default: the time now); returns how many jobs were re-queued or
    failed, agents marked offline, expired uploads and results deleted."""
    counts = {"requeued": 0, "failed": 0, "offline": 0, "uploads": 0, "results": 0}
    if not sole_owner(session, _LOCK_KEY):
        return counts
    now = now or utcnow()
    expired = session.scalars(
        select(Job)
        .where(Job.status.in_(ACTIVE), Job.lease_expires_at < now)
        .with_for_update(skip_locked=True)
    ).all()
    for job in expired:
        if job.attempts < job.max_attempts:
            requeue(job, "the lease expired: the agent stopped reporting")
            counts["requeued"] += 1
        else:
            message = f"the lease expired on all {job.attempts} attempts"
            end_unsuccessfully(session, job, "failed", message)
            counts["failed"] += 1
    counts["offline"] = session.execute(
        update(Agent)
        .where(Agent.status != "offline", Agent.last_heartbeat_at < now - OFFLINE_AFTER)
        .values(status="offline")
    ).rowcount
    counts["uploads"] = sweep_uploads(session)
    counts["results"] = expire_results(session, now, retention_batch)
    session.commit()
    return counts
