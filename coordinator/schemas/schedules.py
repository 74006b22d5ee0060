"""Request and response bodies of collection schedules, "run all now" and the team's settings
(time zone, result retention)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, model_validator

from .base import Body
from .jobs import JobOut

__all__ = [
    "MAX_KEEP_LAST",
    "MAX_RETENTION_DAYS",
    "RunAllOut",
    "ScheduleIn",
    "ScheduleKind",
    "ScheduleOut",
    "TeamSettingsOut",
    "TeamSettingsUpdate",
    "Weekday",
]

ScheduleKind = Literal["none", "hourly", "daily", "weekly"]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
# Per kind: the fields it needs, and those it may have.
_FIELDS: dict[str, tuple[set[str], set[str]]] = {
    "none": (set(), set()),
    "hourly": (set(), {"minute"}),
    "daily": ({"time"}, {"time"}),
    "weekly": ({"time", "weekday"}, {"time", "weekday"}),
}


class ScheduleIn(Body):
    kind: ScheduleKind = Field(description="none removes the schedule")
    time: str | None = Field(
        default=None, pattern=_CLOCK, description="HH:MM on the team's clock (daily and weekly)"
    )
    minute: int | None = Field(
        default=None, ge=0, le=59, description="minutes past every hour (hourly; default 0)"
    )
    weekday: Weekday | None = Field(default=None, description="the day (weekly)")

    @model_validator(mode="after")
    def _fields_of_the_kind(self) -> ScheduleIn:
        needed, allowed = _FIELDS[self.kind]
        given = {name for name in ("time", "minute", "weekday") if getattr(self, name) is not None}
        if not needed <= given or not given <= allowed:
            wanted = ", ".join(sorted(allowed)) or "no other field"
            raise ValueError(f"a schedule of kind {self.kind} takes {wanted}")
        return self


class ScheduleOut(Body):
    kind: ScheduleKind
    time: str | None = Field(description="HH:MM on the team's clock (daily and weekly)")
    minute: int | None = Field(description="minutes past every hour (hourly)")
    weekday: Weekday | None
    time_zone: str = Field(description="the team's time zone, in which the schedule is read")
    next_run_at: datetime | None = Field(description="when the tools are queued next (UTC)")
    last_run_at: datetime | None = Field(description="when the scheduler last queued them")


class RunAllOut(Body):
    queued: list[JobOut] = Field(description="the jobs queued now")
    unfinished: list[JobOut] = Field(
        description="tools that were queued or running already: their jobs, left as they are"
    )


MAX_RETENTION_DAYS = 3660
MAX_KEEP_LAST = 1000


class TeamSettingsOut(Body):
    time_zone: str = Field(description="IANA name; schedules are read in it")
    result_retention_days: int = Field(description="results older than this go; 0: never")
    result_keep_last: int = Field(
        description="analyses each collection keeps per tool, however old"
    )


class TeamSettingsUpdate(Body):
    time_zone: str | None = Field(
        default=None, min_length=1, max_length=64, description="an IANA name, e.g. Europe/Paris"
    )
    result_retention_days: int | None = Field(
        default=None, ge=0, le=MAX_RETENTION_DAYS, description="0 keeps every result"
    )
    result_keep_last: int | None = Field(default=None, ge=1, le=MAX_KEEP_LAST)
