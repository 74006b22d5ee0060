"""Collection schedules: read, set or remove one, and move every due time of a team when its
time zone changes. Each change is audited; the times come from schedule_times.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Collection, CollectionSchedule, Team
from ..models.team import User
from . import audit
from .collections import team_collection
from .schedule_times import WEEKDAYS, Slot, next_run, stored_zone
from .storage import commit_or_conflict

__all__ = [
    "ScheduleView",
    "get_schedule",
    "reschedule_team",
    "set_schedule",
    "slot_details",
    "slot_of",
]


@dataclass(frozen=True)
class ScheduleView:
    """A collection's schedule (None: it has none), in the team's time zone."""

    slot: Slot | None
    time_zone: str
    next_run_at: datetime | None = None
    last_run_at: datetime | None = None


def slot_of(row: CollectionSchedule) -> Slot:
    return Slot(row.kind, row.minute, hour=row.hour, weekday=row.weekday)  # type: ignore[arg-type]


def slot_details(slot: Slot | None) -> dict[str, object]:
    """The slot as the API shows it and the audit log records it: its kind and the fields the
    kind uses."""
    if slot is None:
        return {"kind": "none"}
    details: dict[str, object] = {"kind": slot.kind}
    if slot.hour is None:
        details["minute"] = slot.minute
    else:
        details["time"] = f"{slot.hour:02d}:{slot.minute:02d}"
    if slot.weekday is not None:
        details["weekday"] = WEEKDAYS[slot.weekday]
    return details


def _stored(session: Session, collection: Collection) -> CollectionSchedule | None:
    return session.scalar(
        select(CollectionSchedule).where(CollectionSchedule.collection_id == collection.id)
    )


def _view(team: Team, row: CollectionSchedule | None) -> ScheduleView:
    if row is None:
        return ScheduleView(None, team.time_zone)
    return ScheduleView(slot_of(row), team.time_zone, row.next_run_at, row.last_run_at)


def get_schedule(session: Session, team_id: int, guid: str) -> ScheduleView:
    collection = team_collection(session, team_id, guid)
    return _view(session.get_one(Team, team_id), _stored(session, collection))


def set_schedule(
    session: Session, user: User, guid: str, slot: Slot | None, now: datetime
) -> ScheduleView:
    """Give the collection `slot` (None removes its schedule), next due after `now`."""
    collection = team_collection(session, user.team_id, guid)
    team = session.get_one(Team, user.team_id)
    row = _stored(session, collection)
    was = slot_of(row) if row is not None else None
    if slot is None:
        if row is not None:
            session.delete(row)
            row = None
    else:
        if row is None:
            row = CollectionSchedule(team_id=team.id, collection_id=collection.id)
            session.add(row)
        row.kind, row.minute, row.hour, row.weekday = (
            slot.kind,
            slot.minute,
            slot.hour,
            slot.weekday,
        )
        row.next_run_at = next_run(slot, stored_zone(team.time_zone), now)
        row.updated_at = now
    if slot != was:
        changes = {"from": slot_details(was), "to": slot_details(slot)}
        audit.record(
            session, team.id, "collection.schedule", collection.guid, changes, user_id=user.id
        )
    commit_or_conflict(session, "the schedule was changed at the same time: retry")
    return _view(team, row)


def reschedule_team(session: Session, team_id: int, zone: ZoneInfo, now: datetime) -> None:
    """Every schedule of the team next due after `now` in `zone` (its new time zone). Not
    committed."""
    for row in session.scalars(
        select(CollectionSchedule).where(CollectionSchedule.team_id == team_id)
    ):
        row.next_run_at = next_run(slot_of(row), zone, now)
