"""Scheduler passes driven with explicit times: due and not due, the tools that apply, a tool
still running, catch-up after downtime, daylight saving, one owner at a time (both databases),
and the app's background loop."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.orm import Session

from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.ids import new_guid
from shuttersense.coordinator.models import Collection, CollectionSchedule, Job, Team, User
from shuttersense.coordinator.models.base import utcnow
from shuttersense.coordinator.services import scheduler
from shuttersense.coordinator.services.accounts import create_user
from shuttersense.coordinator.services.collections import assign_pipeline
from shuttersense.coordinator.services.pipelines import create_pipeline
from shuttersense.coordinator.services.schedule_times import Slot
from shuttersense.coordinator.services.scheduler import Queued, run_due
from shuttersense.coordinator.services.schedules import set_schedule
from shuttersense.coordinator.services.team_settings import update_team_settings
from shuttersense.coordinator.settings import Settings
from tests.coordinator.factories import PASSWORD, db, signed_in
from tests.coordinator.test_schedules_api import Clock, iso, utc
from tests.helpers.samples import PIPELINE

START = utc(2026, 3, 7, 12, 0)
NEW_YORK = ZoneInfo("America/New_York")
DAILY_0230 = Slot("daily", 30, hour=2)


class Studio:
    """A team's admin and its collections, made and scheduled through the services."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)  # one for the test: passes come by the hundred
        with self.session() as session:
            self.admin = create_user(session, "admin@studio.example", PASSWORD, team="Studio")

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def collection(self, name: str) -> str:
        with self.session() as session:
            made = Collection(
                guid=new_guid("col"), team_id=self.admin.team_id, name=name, root_path="/p"
            )
            session.add(made)
            session.commit()
            return made.guid

    def schedule(self, guid: str, slot: Slot | None, now: datetime = START) -> None:
        with self.session() as session:
            set_schedule(session, session.merge(self.admin), guid, slot, now)

    def time_zone(self, name: str, now: datetime = START) -> None:
        with self.session() as session:
            update_team_settings(session, session.merge(self.admin), now, zone_name=name)

    def run(self, now: datetime) -> Queued:
        with self.session() as session:
            return run_due(session, now)

    def stored(self, guid: str) -> CollectionSchedule:
        with self.session() as session:
            return session.scalars(
                select(CollectionSchedule)
                .join(Collection, Collection.id == CollectionSchedule.collection_id)
                .where(Collection.guid == guid)
            ).one()

    def jobs(self) -> list[tuple[str, str, str]]:
        """(collection GUID, tool, status) of every job, oldest first."""
        with self.session() as session:
            rows = session.execute(
                select(Collection.guid, Job.tool, Job.status)
                .join(Collection, Collection.id == Job.collection_id)
                .order_by(Job.id)
            )
            return [tuple(row) for row in rows]  # type: ignore[misc]

    def finish_jobs(self, status: str = "completed") -> None:
        with self.session() as session:
            session.execute(update(Job).where(Job.status == "queued").values(status=status))
            session.commit()


def made(queued: Queued) -> set[tuple[int | None, str]]:
    return {(q.job.collection_id, q.job.tool) for q in queued.created}


@pytest.fixture
def studio(db_url: str) -> Iterator[Studio]:
    made = Studio(db_url)
    yield made
    made.engine.dispose()


def test_a_pass_queues_the_due_collections_only(studio: Studio) -> None:
    early, late = studio.collection("Early"), studio.collection("Late")
    studio.schedule(early, DAILY_0230)
    studio.schedule(late, Slot("daily", 0, hour=18))

    assert studio.run(START) == Queued([], [])
    assert studio.run(utc(2026, 3, 7, 17, 59)) == Queued([], [])
    evening = studio.run(utc(2026, 3, 7, 18, 0, 20))
    assert {tool for _, tool, _ in studio.jobs()} == {"photostats", "photo_pairing"}
    assert {guid for guid, _, _ in studio.jobs()} == {late}
    assert len(evening.created) == 2 and evening.unfinished == []
    stored = studio.stored(late)
    assert stored.last_run_at == utc(2026, 3, 7, 18, 0, 20)
    assert stored.next_run_at == utc(2026, 3, 8, 18, 0)

    studio.run(utc(2026, 3, 8, 2, 31))
    assert sorted(guid for guid, _, _ in studio.jobs()) == sorted([late, late, early, early])
    assert studio.stored(early).next_run_at == utc(2026, 3, 9, 2, 30)


def test_pipeline_validation_runs_where_a_pipeline_is_in_force(studio: Studio) -> None:
    plain, checked = studio.collection("Plain"), studio.collection("Checked")
    with studio.session() as session:
        admin = session.merge(studio.admin)
        pipeline = create_pipeline(session, admin, "flow", "", PIPELINE)
        assign_pipeline(session, admin, checked, pipeline.guid, None)
    for guid in (plain, checked):
        studio.schedule(guid, Slot("hourly", 0))

    studio.run(utc(2026, 3, 7, 13, 0))

    assert sorted((guid == checked, tool) for guid, tool, _ in studio.jobs()) == [
        (False, "photo_pairing"),
        (False, "photostats"),
        (True, "photo_pairing"),
        (True, "photostats"),
        (True, "pipeline_validation"),
    ]


def test_a_tool_still_queued_or_running_keeps_its_job(studio: Studio) -> None:
    shoot = studio.collection("Shoot")
    studio.schedule(shoot, Slot("hourly", 0))
    studio.run(utc(2026, 3, 7, 13, 0))
    with studio.session() as session:
        session.execute(update(Job).where(Job.tool == "photostats").values(status="running"))
        session.commit()

    second = studio.run(utc(2026, 3, 7, 14, 0))  # photo_pairing is still queued, too

    assert second.created == []
    assert {q.job.tool for q in second.unfinished} == {"photostats", "photo_pairing"}
    studio.finish_jobs()
    third = studio.run(utc(2026, 3, 7, 15, 0))
    assert [q.job.tool for q in third.created] == ["photo_pairing"]
    assert [q.job.tool for q in third.unfinished] == ["photostats"]
    assert len(studio.jobs()) == 3


def test_after_downtime_it_catches_up_once(studio: Studio) -> None:
    shoot = studio.collection("Shoot")
    studio.schedule(shoot, Slot("hourly", 10))
    back = utc(2026, 3, 10, 9, 42)  # three days and many missed slots later

    caught_up = studio.run(back)

    assert len(caught_up.created) == 2
    assert studio.stored(shoot).next_run_at == utc(2026, 3, 10, 10, 10)
    studio.finish_jobs()
    assert studio.run(back) == Queued([], [])
    assert studio.run(back + timedelta(minutes=27)) == Queued([], [])
    assert len(studio.jobs()) == 2


def test_a_zone_this_machine_does_not_know_is_read_as_utc(
    studio: Studio, caplog: pytest.LogCaptureFixture
) -> None:
    shoot = studio.collection("Shoot")
    studio.schedule(shoot, Slot("daily", 0, hour=18))
    with studio.session() as session:  # say, zone data of another machine, or edited by hand
        session.execute(update(Team).values(time_zone="Nowhere/Land"))
        session.commit()

    queued = studio.run(utc(2026, 3, 7, 18, 0))

    assert len(queued.created) == 2
    assert studio.stored(shoot).next_run_at == utc(2026, 3, 8, 18, 0)
    assert "unknown time zone 'Nowhere/Land'" in caplog.text


def passes(studio: Studio, start: datetime, end: datetime) -> list[str]:
    """A pass every 10 minutes from start to end, each pass's jobs done before the next: the
    local times at which a pass queued something."""
    ran, now = [], start
    while now < end:
        if studio.run(now).created:
            ran.append(now.astimezone(NEW_YORK).strftime("%m-%d %H:%M %Z"))
            studio.finish_jobs()
        now += timedelta(minutes=10)
    return ran


def test_daylight_saving_days_run_a_daily_schedule_once(studio: Studio) -> None:
    studio.time_zone("America/New_York")
    spring, autumn = studio.collection("Spring"), studio.collection("Autumn")
    studio.schedule(spring, DAILY_0230, now=utc(2026, 3, 7))
    assert passes(studio, utc(2026, 3, 7), utc(2026, 3, 10)) == [
        "03-07 02:30 EST",
        "03-08 03:30 EDT",  # no 02:30 that night: once, an hour later
        "03-09 02:30 EDT",
    ]
    studio.schedule(spring, None)
    studio.schedule(autumn, Slot("daily", 30, hour=1), now=utc(2026, 10, 31))
    assert passes(studio, utc(2026, 10, 31), utc(2026, 11, 3)) == [
        "10-31 01:30 EDT",
        "11-01 01:30 EDT",  # 01:30 comes twice that night: only the first runs
        "11-02 01:30 EST",
    ]


def test_two_schedulers_at_once_queue_once(studio: Studio, db_url: str) -> None:
    shoots = [studio.collection(f"Shoot {n}") for n in range(3)]
    for guid in shoots:
        studio.schedule(guid, Slot("hourly", 0))
    engine = create_engine(db_url)
    start = threading.Barrier(4)

    def one_instance(_: int) -> Queued:
        with Session(engine) as session:
            start.wait()
            return run_due(session, utc(2026, 3, 7, 13, 0))

    try:
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(one_instance, range(4)))
    finally:
        engine.dispose()
    assert sum(len(r.created) for r in results) == 6
    assert len(studio.jobs()) == 6
    assert all(studio.stored(g).next_run_at == utc(2026, 3, 7, 14, 0) for g in shoots)


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_while_another_instance_holds_the_turn_a_pass_does_nothing(
    studio: Studio, db_url: str
) -> None:
    shoot = studio.collection("Shoot")
    studio.schedule(shoot, Slot("hourly", 0))
    engine = create_engine(db_url)
    try:
        with engine.connect() as other:
            other.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": scheduler._LOCK_KEY})
            assert studio.run(utc(2026, 3, 7, 13, 0)) == Queued([], [])
            assert studio.stored(shoot).next_run_at == utc(2026, 3, 7, 13, 0)
            other.rollback()  # its turn ends
        assert len(studio.run(utc(2026, 3, 7, 13, 0)).created) == 2
    finally:
        engine.dispose()


@pytest.fixture
def looping(settings: Settings) -> Iterator[tuple[TestClient, Clock]]:
    clock = Clock(START)
    app = create_app(settings, sweep_interval=0.05, clock=clock)
    with TestClient(app) as client:
        yield client, clock


def test_the_apps_background_loop_runs_the_scheduler_on_its_clock(
    looping: tuple[TestClient, Clock], db_url: str
) -> None:
    client, clock = looping
    headers = signed_in(client, db_url, "admin@studio.example", "Studio")
    with db(db_url) as session:
        team_id = session.scalar(select(User.team_id))
        made = Collection(guid=new_guid("col"), team_id=team_id, name="Shoot", root_path="/p")
        session.add(made)
        session.commit()
    path = f"/api/collections/{made.guid}/schedule"
    answer = client.put(path, json={"kind": "daily", "time": "18:00"}, headers=headers)
    assert answer.json()["next_run_at"] == iso(utc(2026, 3, 7, 18, 0))

    clock.now = utc(2026, 3, 7, 18, 0, 5)

    deadline = time.monotonic() + 30
    while len(client.get("/api/jobs", headers=headers).json()) < 2:
        assert time.monotonic() < deadline, "the loop never queued the scheduled tools"
        time.sleep(0.05)
    assert client.get(path, headers=headers).json()["last_run_at"] == iso(clock.now)


def test_stopping_the_app_waits_for_the_pass_at_work(settings: Settings) -> None:
    """A pass runs in a thread of its own: the app closes its database only once it ended."""
    started, ended = threading.Event(), threading.Event()

    def busy_clock() -> datetime:  # a pass that is still at work when the app stops
        started.set()
        time.sleep(0.5)
        ended.set()
        return utcnow()

    with TestClient(create_app(settings, sweep_interval=0.01, clock=busy_clock)):
        assert started.wait(30)
    assert ended.is_set()


def test_a_pass_queues_one_audit_per_collection_reading_sidecars_where_set(
    studio: Studio,
) -> None:
    plain, checked = studio.collection("Plain"), studio.collection("Checked")
    with studio.session() as session:
        session.execute(
            update(Collection).where(Collection.guid == checked).values(check_sidecars=True)
        )
        session.commit()
    for guid in (plain, checked):
        studio.schedule(guid, Slot("hourly", 0))

    studio.run(utc(2026, 3, 7, 13, 0))

    with studio.session() as session:
        rows = session.execute(
            select(Collection.guid, Job.audit_guid, Job.tool, Job.parameters).join(
                Collection, Collection.id == Job.collection_id
            )
        ).all()
    audits = {guid: {audit for g, audit, _, _ in rows if g == guid} for guid in (plain, checked)}
    assert all(len(found) == 1 for found in audits.values())  # each collection's tools together
    assert audits[plain] != audits[checked]
    parameters = {(g == checked, tool): p for g, _, tool, p in rows}
    assert parameters == {
        (False, "photostats"): {},
        (False, "photo_pairing"): {},
        (True, "photostats"): {"check_sidecars": True},  # the audit's parameters, on each job
        (True, "photo_pairing"): {"check_sidecars": True},
    }
