"""Leases: a heartbeat renews the jobs its agent says it holds and releases the ones it no
longer knows; the sweeper releases the jobs whose lease ran out (sweeper.py). Both end a lost
claim the same way (`lose`).

A heartbeat names the job the agent runs (`current_job`), or the jobs of the audit it runs
(`current_jobs`), and the jobs whose result it keeps to send (`kept_jobs`); it also says whether
a claim of the agent may be on its way back (`claim_in_flight`). Any other job the agent's
claims hold is lost: the agent was restarted, or gave the job up. Two exceptions keep a
healthy job from being released by a heartbeat that could not know of it yet:

- a job claimed after the heartbeat reached the coordinator (`received`) is left alone;
- while a claim is in flight, the newest claim (a job, or the jobs of an audit, which share its
  token) may be its answer: it is left alone too (one agent makes one claim at a time, so all
  older ones are lost).

A job left alone keeps the lease its claim gave it; the next heartbeat decides.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.orm import Session

from ..models import Job
from .job_lifecycle import ACTIVE, LEASE, end_unsuccessfully, requeue

__all__ = ["LOST_BY_AGENT", "heartbeat_leases", "lose"]

LOST_BY_AGENT = "the agent no longer runs it (restarted or gave it up)"
_jobs = Job.__table__
_RENEW = (
    update(_jobs)
    .where(
        _jobs.c.claimed_by_id == bindparam("claimer"),
        _jobs.c.status.in_(ACTIVE),
        _jobs.c.guid.in_(bindparam("held", expanding=True)),
    )
    .values(lease_expires_at=bindparam("lease"))
    .returning(_jobs.c.guid, _jobs.c.cancel_requested)
)
# The agent's other active claims made before the heartbeat arrived.
_UNNAMED = (
    _jobs.c.claimed_by_id == bindparam("claimer"),
    _jobs.c.status.in_(ACTIVE),
    _jobs.c.guid.not_in(bindparam("held", expanding=True)),
    _jobs.c.started_at <= bindparam("received"),
)
_FIND_UNNAMED = (
    select(_jobs.c.id, _jobs.c.guid, _jobs.c.cancel_requested, _jobs.c.claim_token_hash)
    .where(*_UNNAMED)
    .order_by(_jobs.c.started_at.desc(), _jobs.c.id.desc())
)
# Locked and read again before they are released: a completion, the sweeper or a new claim may
# have changed them meanwhile.
_LOCK_UNNAMED = (
    select(Job)
    .where(Job.id.in_(bindparam("ids", expanding=True)), *_UNNAMED)
    .with_for_update(skip_locked=True)
    .execution_options(populate_existing=True)
)


def lose(session: Session, job: Job, why: str) -> None:
    """End a claim its agent will not finish: cancelled when cancellation was asked for (not
    run again), else re-queued at once with the attempt counted, else failed with a FAILED
    result when no attempt is left. Not committed."""
    if job.cancel_requested:
        end_unsuccessfully(session, job, "cancelled", f"cancelled; {why}")
    elif job.attempts < job.max_attempts:
        requeue(job, why)
    else:
        end_unsuccessfully(session, job, "failed", f"{why} on all {job.attempts} attempts")


def heartbeat_leases(
    session: Session, agent_id: int, report: dict[str, Any], received: datetime, now: datetime
) -> list[dict[str, str]]:
    """Renew the leases of the jobs the heartbeat names and release the agent's lost claims
    (module docstring); return the cancel commands for the jobs still with the agent. Not
    committed."""
    named = [
        report.get("current_job"),
        *report.get("current_jobs", ()),
        *report.get("kept_jobs", ()),
    ]
    held = sorted({guid for guid in named if guid})
    connection = session.connection()
    kept: list[Row[Any]] = []
    if held:
        kept = connection.execute(
            _RENEW, {"claimer": agent_id, "held": held, "lease": now + LEASE}
        ).all()
    found = {"claimer": agent_id, "held": held, "received": received}
    unnamed = connection.execute(_FIND_UNNAMED, found).all()
    if unnamed and report.get("claim_in_flight", True):
        # Perhaps the answer of the claim in flight: the newest claim, all of its audit's jobs.
        newest = unnamed[0].claim_token_hash
        kept += [row for row in unnamed if row.claim_token_hash == newest]
        unnamed = [row for row in unnamed if row.claim_token_hash != newest]
    if unnamed:
        ids = [row.id for row in unnamed]
        for job in session.scalars(_LOCK_UNNAMED, {**found, "ids": ids}).all():
            lose(session, job, LOST_BY_AGENT)
    return [{"type": "cancel_job", "job": row.guid} for row in kept if row.cancel_requested]
