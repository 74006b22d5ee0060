"""The scheduler: queues an audit of the collections whose schedule is due, and "run all now".

A pass queues every tool that applies to a due collection (Pipeline Validation only with a
pipeline in force) as one audit, which its agent runs on one scan; a tool still queued or
running there keeps its job (create_job finds it).
The next due time is counted from the pass, not from the slot it served, so a coordinator that
was down for days runs each schedule once when it is back, not once per missed slot. An
unchanged collection then costs its agent one scan and no analysis: each job ends as NO_CHANGE.

Any coordinator instance may run passes; on PostgreSQL an advisory lock lets one at a time, and
the rows of the schedules it serves are locked (skipping those another pass holds).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Collection, CollectionSchedule, Team
from ..models.team import User
from . import audit
from .collection_audits import queue_audit
from .collections import list_team_collections
from .jobs import QueuedJob
from .schedule_times import next_run, stored_zone
from .schedules import slot_of
from .sole_owner import sole_owner

__all__ = ["SCHEDULE_BATCH", "Queued", "queue_collection", "run_all_now", "run_due"]

SCHEDULE_BATCH = 200  # schedules served per pass; the rest are due still at the next one
_LOCK_KEY = 0x5353_4348  # "SSCH": one scheduler at a time across instances


@dataclass(frozen=True)
class Queued:
    """What a pass or "run all now" did: jobs queued, and jobs found queued or running."""

    created: list[QueuedJob]
    unfinished: list[QueuedJob]

    @staticmethod
    def of(jobs: list[QueuedJob]) -> Queued:
        return Queued(
            [job for job in jobs if job.created], [job for job in jobs if not job.created]
        )


def queue_collection(
    session: Session, collection: Collection, *, created_by_id: int | None = None
) -> list[QueuedJob]:
    """Queue every tool that applies to the collection as one audit (reading the sidecars when
    the collection says so), except the tools queued or running there already: their jobs.
    Not committed."""
    return queue_audit(session, collection, created_by_id=created_by_id).jobs


def run_due(session: Session, now: datetime) -> Queued:
    """One pass at `now`: queue the tools of the collections due by then, and move each of
    their schedules to its next due time after `now`. Committed."""
    if not sole_owner(session, _LOCK_KEY):
        return Queued([], [])
    due = session.scalars(
        select(CollectionSchedule)
        .where(CollectionSchedule.next_run_at <= now)
        .order_by(CollectionSchedule.next_run_at, CollectionSchedule.id)
        .limit(SCHEDULE_BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    zones: dict[int, ZoneInfo] = {}
    jobs: list[QueuedJob] = []
    for schedule in due:
        if schedule.team_id not in zones:
            zones[schedule.team_id] = stored_zone(session.get_one(Team, schedule.team_id).time_zone)
        jobs += queue_collection(session, session.get_one(Collection, schedule.collection_id))
        schedule.last_run_at = now
        schedule.next_run_at = next_run(slot_of(schedule), zones[schedule.team_id], now)
    session.commit()
    return Queued.of(jobs)


def run_all_now(session: Session, user: User) -> Queued:
    """Queue every tool that applies on every collection of the user's team. Committed."""
    done = Queued.of(
        [
            job
            for collection in list_team_collections(session, user.team_id)
            for job in queue_collection(session, collection, created_by_id=user.id)
        ]
    )
    team_guid = session.get_one(Team, user.team_id).guid
    counts = {"queued": len(done.created), "unfinished": len(done.unfinished)}
    audit.record(session, user.team_id, "collections.run_all", team_guid, counts, user_id=user.id)
    session.commit()
    return done
