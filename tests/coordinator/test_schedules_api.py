"""Collection schedules, the team's time zone and "run all now" through the user API, on a
clock the test sets (both databases)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.settings import Settings
from tests.coordinator.factories import Teams, invalid
from tests.coordinator.test_jobs_api import add_collection, set_job
from tests.helpers.samples import PIPELINE

SETTINGS = "/api/team/settings"


class Clock:
    """The app's clock, set by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def clock() -> Clock:
    return Clock(utc(2026, 3, 7, 12, 0))  # a Saturday; New York springs forward on the 8th


@pytest.fixture
def client(settings: Settings, clock: Clock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, sweep_interval=None, clock=clock)) as test_client:
        yield test_client


@pytest.fixture
def collection(db_url: str, teams: Teams) -> str:
    return add_collection(db_url, "admin@studio.example")


def schedule(client: TestClient, headers: dict[str, str], guid: str, **body: Any) -> Any:
    return client.put(f"/api/collections/{guid}/schedule", json=body, headers=headers)


def audit(client: TestClient, headers: dict[str, str], action: str) -> list[dict[str, Any]]:
    return client.get("/api/audit", params={"action": action}, headers=headers).json()


def test_a_collection_has_no_schedule_until_given_one(
    client: TestClient, teams: Teams, collection: str
) -> None:
    got = client.get(f"/api/collections/{collection}/schedule", headers=teams.member)
    assert got.status_code == 200
    assert got.json() == {
        "kind": "none",
        "time": None,
        "minute": None,
        "weekday": None,
        "time_zone": "UTC",
        "next_run_at": None,
        "last_run_at": None,
    }


def test_daily_weekly_and_hourly_show_their_next_run(
    client: TestClient, teams: Teams, collection: str
) -> None:
    daily = schedule(client, teams.member, collection, kind="daily", time="02:30")
    assert daily.status_code == 200, daily.text
    assert daily.json()["next_run_at"] == iso(utc(2026, 3, 8, 2, 30))
    assert (daily.json()["kind"], daily.json()["time"], daily.json()["minute"]) == (
        "daily",
        "02:30",
        None,
    )
    got = client.get(f"/api/collections/{collection}/schedule", headers=teams.admin)
    assert got.json() == daily.json()

    weekly = schedule(
        client, teams.admin, collection, kind="weekly", time="09:00", weekday="friday"
    )
    assert weekly.json()["next_run_at"] == iso(utc(2026, 3, 13, 9, 0))
    assert weekly.json()["weekday"] == "friday"
    hourly = schedule(client, teams.admin, collection, kind="hourly", minute=45)
    assert hourly.json()["next_run_at"] == iso(utc(2026, 3, 7, 12, 45))
    assert (hourly.json()["time"], hourly.json()["minute"]) == (None, 45)
    assert schedule(client, teams.admin, collection, kind="hourly").json()["minute"] == 0

    changes = [e["details"] for e in audit(client, teams.admin, "collection.schedule")]
    assert changes[-1] == {"from": {"kind": "none"}, "to": {"kind": "daily", "time": "02:30"}}
    assert changes[0]["to"] == {"kind": "hourly", "minute": 0}
    assert all(e["target"] == collection for e in audit(client, teams.admin, "collection.schedule"))


def test_none_removes_the_schedule_and_is_audited(
    client: TestClient, teams: Teams, collection: str
) -> None:
    schedule(client, teams.admin, collection, kind="daily", time="06:00")
    removed = schedule(client, teams.admin, collection, kind="none")
    assert removed.status_code == 200
    assert (removed.json()["kind"], removed.json()["next_run_at"]) == ("none", None)
    again = schedule(client, teams.admin, collection, kind="none")
    assert again.status_code == 200
    changes = [e["details"] for e in audit(client, teams.admin, "collection.schedule")]
    assert len(changes) == 2  # setting what is already there is no change
    assert changes[0] == {"from": {"kind": "daily", "time": "06:00"}, "to": {"kind": "none"}}


NONSENSE: list[dict[str, Any]] = [
    {"kind": "daily"},
    {"kind": "daily", "time": "24:00"},
    {"kind": "daily", "time": "7:30"},
    {"kind": "daily", "time": "07:30", "weekday": "monday"},
    {"kind": "weekly", "time": "07:30"},
    {"kind": "weekly", "time": "07:30", "weekday": "someday"},
    {"kind": "hourly", "time": "07:30"},
    {"kind": "hourly", "minute": 60},
    {"kind": "none", "minute": 5},
    {"kind": "monthly"},
    {"kind": "daily", "time": "07:30", "cron": "* * * * *"},
]


def test_a_schedule_that_makes_no_sense_is_refused_and_changes_nothing(
    client: TestClient, teams: Teams, collection: str
) -> None:
    schedule(client, teams.admin, collection, kind="daily", time="06:00")
    for body in NONSENSE:
        refused = schedule(client, teams.admin, collection, **body)
        assert refused.status_code == 422, body
    kept = client.get(f"/api/collections/{collection}/schedule", headers=teams.admin).json()
    assert (kept["kind"], kept["time"]) == ("daily", "06:00")
    said = schedule(client, teams.admin, collection, kind="hourly", time="07:30").json()
    assert "a schedule of kind hourly takes minute" in str(said["detail"])


def test_another_teams_collection_has_no_schedule(
    client: TestClient, teams: Teams, collection: str
) -> None:
    path = f"/api/collections/{collection}/schedule"
    assert client.get(path, headers=teams.outsider).status_code == 404
    put = client.put(path, json={"kind": "hourly"}, headers=teams.outsider)
    assert put.status_code == 404
    assert client.get(path, headers=teams.admin).json()["kind"] == "none"
    client.cookies.clear()
    assert client.get(path).status_code == 401


def test_the_team_time_zone_moves_every_next_run(
    client: TestClient, teams: Teams, collection: str, db_url: str
) -> None:
    other = add_collection(db_url, "admin@studio.example", name="Portraits")
    schedule(client, teams.admin, collection, kind="daily", time="02:30")
    schedule(client, teams.admin, other, kind="hourly", minute=0)

    changed = client.patch(SETTINGS, json={"time_zone": "America/New_York"}, headers=teams.admin)

    assert changed.status_code == 200 and changed.json()["time_zone"] == "America/New_York"
    daily = client.get(f"/api/collections/{collection}/schedule", headers=teams.admin).json()
    # 02:30 does not exist in New York on 8 March 2026: it runs once, at 03:30 EDT.
    assert daily["next_run_at"] == iso(utc(2026, 3, 8, 7, 30))
    assert daily["time_zone"] == "America/New_York"
    hourly = client.get(f"/api/collections/{other}/schedule", headers=teams.admin).json()
    assert hourly["next_run_at"] == iso(utc(2026, 3, 7, 13, 0))
    [event] = audit(client, teams.admin, "team.settings")
    assert event["details"] == {"time_zone": ["UTC", "America/New_York"]}
    assert client.get(SETTINGS, headers=teams.member).json()["time_zone"] == "America/New_York"
    assert client.get(SETTINGS, headers=teams.outsider).json()["time_zone"] == "UTC"


def test_only_admins_change_settings_and_only_to_iana_names(
    client: TestClient, teams: Teams
) -> None:
    member = client.patch(SETTINGS, json={"time_zone": "Europe/Paris"}, headers=teams.member)
    assert member.status_code == 403
    for bad in ("Europe/Pariss", "localtime", "", "../../etc/passwd"):
        refused = client.patch(SETTINGS, json={"time_zone": bad}, headers=teams.admin)
        assert refused.status_code == 422, bad
    named = client.patch(SETTINGS, json={"time_zone": "Mars/Olympus"}, headers=teams.admin)
    assert "IANA time zone" in invalid(named)
    assert client.get(SETTINGS, headers=teams.admin).json()["time_zone"] == "UTC"
    assert audit(client, teams.admin, "team.settings") == []


def test_run_all_queues_every_tool_that_applies_once(
    client: TestClient, teams: Teams, collection: str, db_url: str
) -> None:
    checked = add_collection(db_url, "admin@studio.example", name="Portraits")
    pipeline = client.post(
        "/api/pipelines", json={"name": "flow", "definition": PIPELINE}, headers=teams.admin
    ).json()["guid"]
    assigned = {"pipeline": pipeline}
    client.put(f"/api/collections/{checked}/pipeline", json=assigned, headers=teams.admin)

    first = client.post("/api/collections/run-all", headers=teams.member)

    assert first.status_code == 200
    queued = {(job["collection"], job["tool"]) for job in first.json()["queued"]}
    assert queued == {
        (collection, "photostats"),
        (collection, "photo_pairing"),
        (checked, "photostats"),
        (checked, "photo_pairing"),
        (checked, "pipeline_validation"),  # only where a pipeline is in force
    }
    assert first.json()["unfinished"] == []
    running = next(job["guid"] for job in first.json()["queued"] if job["collection"] == checked)
    set_job(db_url, running, status="running")
    for job in first.json()["queued"]:
        if job["guid"] != running:
            set_job(db_url, job["guid"], status="completed")

    second = client.post("/api/collections/run-all", headers=teams.admin).json()

    assert len(second["queued"]) == 4
    assert [job["guid"] for job in second["unfinished"]] == [running]
    counts = [e["details"] for e in audit(client, teams.admin, "collections.run_all")]
    assert counts == [{"queued": 4, "unfinished": 1}, {"queued": 5, "unfinished": 0}]
    outsider = client.post("/api/collections/run-all", headers=teams.outsider).json()
    assert outsider == {"queued": [], "unfinished": []}
