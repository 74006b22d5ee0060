"""Next-run times of schedules in a team's time zone, daylight-saving edges included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from shuttersense.coordinator.errors import InvalidInput
from shuttersense.coordinator.services.schedule_times import Slot, next_run, time_zone

NEW_YORK = ZoneInfo("America/New_York")  # 2026: forward on 8 March, back on 1 November
DAILY_0230 = Slot("daily", 30, hour=2)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def runs(slot: Slot, zone: ZoneInfo, start: datetime, until: datetime) -> list[datetime]:
    """Every due time from `start` to `until`, as a scheduler that runs each one would see."""
    found, now = [], start
    while (now := next_run(slot, zone, now)) < until:
        found.append(now)
    return found


def local(times: list[datetime], zone: ZoneInfo) -> list[str]:
    return [t.astimezone(zone).strftime("%m-%d %H:%M %Z") for t in times]


def test_daily_is_the_next_wall_time_in_the_zone() -> None:
    paris = ZoneInfo("Europe/Paris")
    # 00:00 UTC is 02:00 in Paris in summer: 02:30 there is half an hour away.
    assert next_run(DAILY_0230, paris, utc(2026, 6, 1, 0, 0)) == utc(2026, 6, 1, 0, 30)
    assert next_run(DAILY_0230, paris, utc(2026, 1, 1, 2, 0)) == utc(2026, 1, 2, 1, 30)
    assert next_run(DAILY_0230, paris, utc(2026, 6, 2, 0, 29)) == utc(2026, 6, 2, 0, 30)
    assert next_run(DAILY_0230, paris, utc(2026, 6, 2, 0, 30)) == utc(2026, 6, 3, 0, 30)
    assert next_run(DAILY_0230, ZoneInfo("UTC"), utc(2026, 6, 1, 0, 0)) == utc(2026, 6, 1, 2, 30)


def test_a_daily_time_in_the_spring_gap_runs_once_that_day() -> None:
    found = runs(DAILY_0230, NEW_YORK, utc(2026, 3, 6), utc(2026, 3, 11))
    assert local(found, NEW_YORK) == [
        "03-06 02:30 EST",
        "03-07 02:30 EST",
        "03-08 03:30 EDT",  # 02:30 does not exist that day: once, an hour later
        "03-09 02:30 EDT",
        "03-10 02:30 EDT",
    ]


def test_a_daily_time_that_happens_twice_in_the_autumn_runs_once() -> None:
    slot = Slot("daily", 30, hour=1)
    found = runs(slot, NEW_YORK, utc(2026, 10, 31), utc(2026, 11, 3))
    assert local(found, NEW_YORK) == ["10-31 01:30 EDT", "11-01 01:30 EDT", "11-02 01:30 EST"]
    # A scheduler that comes by between the two 01:30s does not run it again.
    between = utc(2026, 11, 1, 6, 0)  # 01:00 EST, after 01:30 EDT
    assert next_run(slot, NEW_YORK, between) == found[2]


def test_weekly_runs_on_its_day() -> None:
    slot = Slot("weekly", 0, hour=9, weekday=0)  # Mondays 09:00
    tokyo = ZoneInfo("Asia/Tokyo")
    found = runs(slot, tokyo, utc(2026, 6, 3), utc(2026, 6, 24))  # a Wednesday, three weeks
    assert local(found, tokyo) == ["06-08 09:00 JST", "06-15 09:00 JST", "06-22 09:00 JST"]
    # Sunday 23:59 in Tokyo (14:59 UTC): due nine hours later, Monday 09:00 there.
    assert next_run(slot, tokyo, utc(2026, 6, 7, 14, 59)) == utc(2026, 6, 8, 0, 0)


def test_weekly_across_the_spring_gap_keeps_its_wall_time() -> None:
    slot = Slot("weekly", 0, hour=9, weekday=6)  # Sundays 09:00
    found = runs(slot, NEW_YORK, utc(2026, 2, 28), utc(2026, 3, 16))
    assert local(found, NEW_YORK) == ["03-01 09:00 EST", "03-08 09:00 EDT", "03-15 09:00 EDT"]
    assert found[1] - found[0] == timedelta(days=7, hours=-1)


def test_hourly_runs_every_real_hour_through_both_transitions() -> None:
    slot = Slot("hourly", 15)
    for start in (utc(2026, 3, 8, 4), utc(2026, 11, 1, 3)):
        found = runs(slot, NEW_YORK, start, start + timedelta(hours=6))
        assert [t.minute for t in found] == [15] * 6
        assert all(b - a == timedelta(hours=1) for a, b in pairwise(found))
    autumn = runs(slot, NEW_YORK, utc(2026, 11, 1, 4), utc(2026, 11, 1, 8))
    assert local(autumn, NEW_YORK) == [
        "11-01 00:15 EDT",
        "11-01 01:15 EDT",
        "11-01 01:15 EST",  # the hour that happens twice runs twice: it is two real hours
        "11-01 02:15 EST",
    ]


@pytest.mark.parametrize(
    ("zone", "minute", "utc_minute"),
    [("Asia/Kolkata", 0, 30), ("Asia/Kathmandu", 0, 15), ("America/St_Johns", 10, 40)],
)
def test_hourly_minute_is_the_local_clocks(zone: str, minute: int, utc_minute: int) -> None:
    due = next_run(Slot("hourly", minute), ZoneInfo(zone), utc(2026, 6, 1, 10, 50))
    assert due.astimezone(ZoneInfo(zone)).minute == minute
    assert due.minute == utc_minute
    assert timedelta(0) < due - utc(2026, 6, 1, 10, 50) <= timedelta(hours=1)


def test_time_zones_are_iana_names() -> None:
    assert time_zone("Europe/Paris") == ZoneInfo("Europe/Paris")
    assert time_zone("UTC") == ZoneInfo("UTC")
    for bad in ("Mars/Olympus", "europe/paris", "", "../../etc/passwd", "localtime", "+02:00"):
        with pytest.raises(InvalidInput, match="IANA time zone"):
            time_zone(bad)


def test_a_slot_holds_only_what_its_kind_uses() -> None:
    for kind, hour, weekday in [("hourly", 2, None), ("daily", None, None), ("daily", 2, 0)]:
        with pytest.raises(ValueError, match="slot"):
            Slot(kind, 0, hour=hour, weekday=weekday)  # type: ignore[arg-type]
