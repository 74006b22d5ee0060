"""A team's settings: the time zone its schedules are read in, and how long its results are
kept (retention.py). Members read them, admins change them; each change is audited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..models import Team
from ..models.team import User
from . import audit
from .schedule_times import time_zone
from .schedules import reschedule_team

__all__ = ["team_settings", "update_team_settings"]


def team_settings(session: Session, team_id: int) -> Team:
    return session.get_one(Team, team_id)


def update_team_settings(
    session: Session,
    admin: User,
    now: datetime,
    *,
    zone_name: str | None = None,
    retention_days: int | None = None,
    keep_last: int | None = None,
) -> Team:
    """Change what is given (the API checks the ranges); a new time zone moves every
    schedule's next due time."""
    team = session.get_one(Team, admin.team_id)
    changes: dict[str, list[object]] = {}
    if zone_name is not None and zone_name != team.time_zone:
        zone = time_zone(zone_name)
        changes["time_zone"] = [team.time_zone, zone_name]
        team.time_zone = zone_name
        reschedule_team(session, team.id, zone, now)
    if retention_days is not None and retention_days != team.result_retention_days:
        changes["result_retention_days"] = [team.result_retention_days, retention_days]
        team.result_retention_days = retention_days
    if keep_last is not None and keep_last != team.result_keep_last:
        changes["result_keep_last"] = [team.result_keep_last, keep_last]
        team.result_keep_last = keep_last
    if changes:
        audit.record(session, team.id, "team.settings", team.guid, changes, user_id=admin.id)
    session.commit()
    return team
