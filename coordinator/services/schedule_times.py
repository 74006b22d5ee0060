"""When a schedule is next due: pure functions over zoneinfo, no database.

Daily and weekly times are wall-clock times in the team's time zone. On the day clocks spring
forward, a time in the skipped hour runs once, as far past the gap as it was into it (02:30
becomes 03:30); on the day they fall back, a time that happens twice runs at its first
occurrence only. Hourly schedules run once in every real hour, at the given minute of the
local clock (which differs from UTC's in zones half or three quarters of an hour off).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from ..errors import InvalidInput

__all__ = ["KINDS", "WEEKDAYS", "Slot", "next_run", "stored_zone", "time_zone"]

log = logging.getLogger(__name__)

KINDS = ("hourly", "daily", "weekly")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Kind = Literal["hourly", "daily", "weekly"]


@dataclass(frozen=True)
class Slot:
    """What a schedule says: hourly at `minute`; daily at `hour`:`minute`; weekly on `weekday`
    (0 is Monday) at `hour`:`minute`."""

    kind: Kind
    minute: int
    hour: int | None = None
    weekday: int | None = None

    def __post_init__(self) -> None:
        wants_hour = self.kind != "hourly"
        wants_weekday = self.kind == "weekly"
        if (self.hour is not None) != wants_hour or (self.weekday is not None) != wants_weekday:
            raise ValueError(f"a {self.kind} slot cannot be {self}")


@cache
def _known_zones() -> frozenset[str]:
    # "localtime" is whatever the server's clock is set to: not a zone a team can name.
    return frozenset(available_timezones() - {"localtime"})


def time_zone(name: str) -> ZoneInfo:
    """The IANA time zone `name` (such as Europe/Paris or UTC); InvalidInput otherwise."""
    if name not in _known_zones():
        raise InvalidInput(
            f"{name!r} is not an IANA time zone name: use one such as Europe/Paris, "
            "America/New_York or UTC"
        )
    return ZoneInfo(name)


def stored_zone(name: str) -> ZoneInfo:
    """A team's stored time zone; UTC (and a warning) if this machine does not know it, so
    that one team's zone cannot stop every team's schedules."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown time zone %r: reading schedules in UTC until it is set again", name)
        return ZoneInfo("UTC")


def next_run(slot: Slot, zone: ZoneInfo, after: datetime) -> datetime:
    """The first time the slot is due strictly after `after` (aware), in UTC."""
    if slot.kind == "hourly":
        return _next_in_hour(slot.minute, zone, after)
    at = time(slot.hour or 0, slot.minute)  # a daily or weekly slot has its hour (see Slot)
    first_day = after.astimezone(zone).date() - timedelta(days=1)
    for offset in range(9):
        day = first_day + timedelta(days=offset)
        if slot.weekday is not None and day.weekday() != slot.weekday:
            continue
        # fold=0: a wall time in a gap is read with the offset before it, and one that happens
        # twice as its first occurrence. One instant per day either way.
        due = datetime.combine(day, at, zone).astimezone(UTC)
        if due > after:
            return due
    raise AssertionError("a daily or weekly slot is due within nine days")


def _next_in_hour(minute: int, zone: ZoneInfo, after: datetime) -> datetime:
    hour = after.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    for step in range(4):
        start = hour + timedelta(hours=step)
        offset = start.astimezone(zone).minute  # the local minute at the top of the UTC hour
        due = start + timedelta(minutes=(minute - offset) % 60)
        # Skipped in the rare hour whose offset changes between its start and `due`.
        if due > after and due.astimezone(zone).minute == minute:
            return due
    raise AssertionError("an hourly slot is due within four hours")
