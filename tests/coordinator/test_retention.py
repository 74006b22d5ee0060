"""Result retention (the sweeper, with explicit times), its team settings, and an admin deleting
one result (both databases)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from shuttersense.coordinator.db import make_engine, make_session_factory
from shuttersense.coordinator.ids import new_guid
from shuttersense.coordinator.models import AuditEvent, Collection, Job, Result, Team
from shuttersense.coordinator.services.sweeper import sweep
from tests.coordinator.factories import Teams, db
from tests.coordinator.test_jobs_api import add_collection
from tests.coordinator.test_trends_api import orphans

NOW = datetime(2026, 6, 30, 12, tzinfo=UTC)
SETTINGS = "/api/team/settings"


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


class History:
    """Results (each with its finished job) of one team, made straight in the database, and
    sweeper passes over them; sessions have the app's SQLite pragmas (foreign keys on)."""

    def __init__(self, url: str, team: str = "Studio") -> None:
        self.engine = make_engine(url)
        self.sessions: sessionmaker[Session] = make_session_factory(self.engine)
        with self.sessions() as session:
            self.team_id = session.scalars(select(Team.id).where(Team.name == team)).one()

    def retain(self, days: int, keep: int) -> None:
        with self.sessions() as session:
            session.execute(
                update(Team)
                .where(Team.id == self.team_id)
                .values(result_retention_days=days, result_keep_last=keep)
            )
            session.commit()

    def add(
        self,
        collection: str,
        age: float,
        *,
        tool: str = "photostats",
        status: str = "COMPLETED",
        source: str | None = None,
        orphaned: int = 1,
    ) -> str:
        """A result `age` days old; `source`: it is a NO_CHANGE copy of that result."""
        with self.sessions() as session:
            target = session.scalars(select(Collection).where(Collection.guid == collection)).one()
            job = Job(
                guid=new_guid("job"),
                team_id=self.team_id,
                collection_id=target.id,
                tool=tool,
                status=status.lower(),
                created_at=days_ago(age),
                finished_at=days_ago(age),
            )
            session.add(job)
            session.flush()
            original = session.scalars(select(Result).where(Result.guid == source)).first()
            analysed = status in ("COMPLETED", "NO_CHANGE")
            made = Result(
                guid=new_guid("res"),
                team_id=self.team_id,
                collection_id=target.id,
                job_id=job.id,
                tool=tool,
                status=status,
                results_json=orphans(orphaned).model_dump(mode="json") if analysed else {},
                input_state_hash="d" * 64,
                no_change_copy=source is not None,
                source_result_id=original.id if original else None,
                created_at=days_ago(age),
            )
            session.add(made)
            session.commit()
            return made.guid

    def sweep(self, now: datetime = NOW, batch: int = 500) -> int:
        with self.sessions() as session:
            return sweep(session, now=now, retention_batch=batch)["results"]

    def results(self) -> set[str]:
        with self.sessions() as session:
            return set(session.scalars(select(Result.guid).where(Result.team_id == self.team_id)))

    def jobs(self) -> int:
        with self.sessions() as session:
            return session.scalar(select(func.count()).select_from(Job)) or 0

    def expiries(self) -> list[dict[str, Any]]:
        with self.sessions() as session:
            events = session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "results.expired", AuditEvent.team_id == self.team_id)
                .order_by(AuditEvent.id)
            )
            return [event.details for event in events]


@pytest.fixture
def history(teams: Teams, db_url: str) -> Iterator[History]:
    made = History(db_url)
    yield made
    made.engine.dispose()


@pytest.fixture
def shoot(db_url: str, teams: Teams) -> str:
    return add_collection(db_url, "admin@studio.example")


def test_old_results_go_with_their_jobs_and_the_newest_stay(
    history: History, shoot: str, db_url: str
) -> None:
    history.retain(days=30, keep=2)
    recent = [history.add(shoot, age) for age in (29, 10, 1)]
    old = [history.add(shoot, age) for age in (90, 60, 31)]
    pairing = [history.add(shoot, age, tool="photo_pairing") for age in (200, 100, 50)]
    failed = history.add(shoot, 40, tool="photo_pairing", status="FAILED")
    fresh_failure = history.add(shoot, 2, status="FAILED")

    assert history.sweep() == 5

    # Photo Pairing has nothing recent: its newest two stay, however old; the FAILED result
    # does not count among them and goes.
    assert history.results() == {*recent, *pairing[1:], fresh_failure}
    assert failed not in history.results() and not set(old) & history.results()
    assert history.jobs() == 6
    [expired] = history.expiries()
    assert (expired["results"], expired["jobs"]) == (5, 5)
    assert expired["older_than"] == days_ago(30).isoformat()
    assert history.sweep() == 0 and len(history.expiries()) == 1  # nothing more to do


def test_no_retention_keeps_everything_and_teams_keep_their_own(
    history: History, shoot: str, client: TestClient, db_url: str, teams: Teams
) -> None:
    history.retain(days=0, keep=1)
    kept = [history.add(shoot, age) for age in (1000, 500, 1)]
    other = History(db_url, "Other")
    try:
        theirs = add_collection(db_url, "admin@other.example", name="Theirs")
        gone = other.add(theirs, 200)  # "Other" is a new team: 90 days, keep 3
        stay = [other.add(theirs, age) for age in (100, 95, 1)]
        assert history.sweep() == 1
        assert history.results() == set(kept)
        assert other.results() == set(stay) and gone not in other.results()
        assert history.expiries() == [] and len(other.expiries()) == 1
    finally:
        other.engine.dispose()


def test_the_sweeper_deletes_in_batches(history: History, shoot: str) -> None:
    history.retain(days=7, keep=1)
    for age in range(8, 20):
        history.add(shoot, age)
    newest = history.add(shoot, 1)

    assert [history.sweep(batch=5) for _ in range(4)] == [5, 5, 2, 0]

    assert history.results() == {newest}
    assert [e["results"] for e in history.expiries()] == [5, 5, 2]


def test_a_result_that_copies_stand_for_stays_until_they_go(history: History, shoot: str) -> None:
    history.retain(days=30, keep=1)
    source = history.add(shoot, 300, orphaned=4)
    old_copy = history.add(shoot, 200, status="NO_CHANGE", source=source)
    other_source = history.add(shoot, 150, orphaned=2)
    copy = history.add(shoot, 5, status="NO_CHANGE", source=other_source)

    assert history.sweep() == 1  # the old copy; its source waited for it
    assert history.results() == {source, other_source, copy}
    assert history.sweep() == 1  # now the first source is free to go
    assert history.results() == {other_source, copy}
    assert history.sweep() == 0
    assert old_copy not in history.results()


def test_trends_read_what_remains(
    history: History, shoot: str, client: TestClient, teams: Teams
) -> None:
    history.retain(days=30, keep=1)
    history.add(shoot, 60, orphaned=9)
    history.add(shoot, 45, orphaned=7)
    source = history.add(shoot, 40, orphaned=5)
    history.add(shoot, 20, status="NO_CHANGE", source=source, orphaned=5)
    history.add(shoot, 2, status="NO_CHANGE", source=source, orphaned=5)
    window = {"from": "2026-04-01", "to": "2026-06-30", "collection_guids": shoot}
    before = client.get("/api/trends/photostats", params=window, headers=teams.member).json()

    assert history.sweep() == 2

    after = client.get("/api/trends/photostats", params=window, headers=teams.member).json()
    [series] = after["series"]
    assert [p["date"] for p in series["points"]] == ["2026-05-21", "2026-06-10", "2026-06-28"]
    assert [p["metrics"]["orphaned_images"] for p in series["points"]] == [5, 5, 5]
    assert len(before["series"][0]["points"]) == 5
    summary = client.get(
        "/api/trends/photostats/summary", params=window, headers=teams.member
    ).json()
    assert summary["stable"]["stable"] is True
    assert summary["stable"]["days"] is not None  # the copies' source is still there


def test_an_admin_deletes_a_result_with_its_job_and_its_copies_stay_readable(
    history: History, shoot: str, client: TestClient, teams: Teams, db_url: str
) -> None:
    source = history.add(shoot, 3, orphaned=6)
    copy = history.add(shoot, 1, status="NO_CHANGE", source=source, orphaned=6)
    path = f"/api/results/{source}"

    assert client.delete(path, headers=teams.member).status_code == 403
    assert client.delete(path, headers=teams.outsider).status_code == 404
    assert client.get(path, headers=teams.member).status_code == 200
    deleted = client.delete(path, headers=teams.admin)

    assert deleted.status_code == 204
    assert client.get(path, headers=teams.admin).status_code == 404
    assert client.delete(path, headers=teams.admin).status_code == 404
    assert history.results() == {copy} and history.jobs() == 1
    report = client.get(f"/api/results/{copy}/report", headers=teams.member)
    assert report.status_code == 200 and "x5.cr3" in report.text
    exported = client.get(f"/api/results/{copy}/export", headers=teams.member)
    assert exported.status_code == 200
    assert exported.json()["orphaned_images"]["by_folder"] == {"a": [f"x{n}.cr3" for n in range(6)]}
    with db(db_url) as session:
        assert session.scalar(select(Result.source_result_id).where(Result.guid == copy)) is None
    [event] = client.get(
        "/api/audit", params={"action": "result.deleted"}, headers=teams.admin
    ).json()
    assert event["target"] == source
    assert event["details"]["collection"] == shoot
    assert (event["details"]["tool"], event["details"]["status"]) == ("photostats", "COMPLETED")


def test_retention_settings_are_read_by_members_and_set_by_admins(
    client: TestClient, teams: Teams
) -> None:
    defaults = client.get(SETTINGS, headers=teams.member).json()
    assert defaults == {"time_zone": "UTC", "result_retention_days": 90, "result_keep_last": 3}
    body = {"result_retention_days": 365, "result_keep_last": 10}
    assert client.patch(SETTINGS, json=body, headers=teams.member).status_code == 403
    for bad in (
        {"result_retention_days": -1},
        {"result_retention_days": 3661},
        {"result_keep_last": 0},
        {"result_keep_last": "many"},
    ):
        assert client.patch(SETTINGS, json=bad, headers=teams.admin).status_code == 422, bad

    changed = client.patch(SETTINGS, json=body, headers=teams.admin)

    assert changed.status_code == 200
    assert changed.json() == {"time_zone": "UTC", **body}
    assert (
        client.patch(SETTINGS, json={"result_retention_days": 0}, headers=teams.admin).json()[
            "result_retention_days"
        ]
        == 0
    )
    events = client.get("/api/audit", params={"action": "team.settings"}, headers=teams.admin)
    assert [e["details"] for e in events.json()] == [
        {"result_retention_days": [365, 0]},
        {"result_retention_days": [90, 365], "result_keep_last": [3, 10]},
    ]
    assert client.get(SETTINGS, headers=teams.outsider).json()["result_keep_last"] == 3
