"""The push outbox driven by hand (both databases): senders of several instances send each
notice once, a failing push service is tried a bounded number of times and logged by its host
only, and the sweeper announces an agent going offline once per going offline.

The app here is never started, so no background sender competes with the ones the tests run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.event_bus import Event, EventBus
from shuttersense.coordinator.models import Agent, Job, PushDelivery
from shuttersense.coordinator.models.base import utcnow
from shuttersense.coordinator.push_sender import PushSender
from shuttersense.coordinator.services import push_outbox
from shuttersense.coordinator.services.job_events import deliver_after_commit, job_event
from shuttersense.coordinator.services.sweeper import sweep
from shuttersense.coordinator.settings import Settings
from tests.coordinator.factories import db, signed_in
from tests.coordinator.push_rig import Studio, make_studio, service
from tests.helpers.push_service import Browser, PushService

__all__ = ["service"]  # the fixture, imported to be used here


class Clock:
    """A time the test moves; a day ahead of the real one, so nothing is due for anyone else."""

    def __init__(self) -> None:
        self.now = utcnow() + timedelta(days=1)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    built = create_app(settings, sweep_interval=None)
    yield built
    built.state.engine.dispose()  # never started: its lifespan would have


@pytest.fixture
def studio(app: FastAPI, db_url: str) -> Studio:
    client = TestClient(app)  # not entered: no lifespan, no background sender
    return make_studio(client, db_url, signed_in(client, db_url, "admin@studio.example", "Studio"))


def _sender(app: FastAPI, clock: Clock) -> PushSender:
    return PushSender(app.state.sessions, app.state.vapid, clock=clock, allow_loopback_http=True)


def _failed_event(studio: Studio, guid: str) -> Event:
    with db(studio.db_url) as session:
        return job_event(session.scalars(select(Job).where(Job.guid == guid)).one(), "state")


def test_each_notice_is_sent_once_however_many_instances_hear_it(
    app: FastAPI, studio: Studio, service: PushService
) -> None:
    clock = Clock()
    browsers = [Browser(f"{service.base}/push/{n}") for n in range(6)]
    for browser in browsers:
        studio.subscribe(browser)
    event = _failed_event(studio, studio.fail_a_job())
    senders = [_sender(app, clock) for _ in range(3)]
    for sender in senders:  # every instance hears the event
        sender.record([event])
    running = [threading.Thread(target=sender.deliver_due) for sender in senders]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join(30)
    assert sorted(r.path for r in service.received) == sorted(f"/push/{n}" for n in range(6))
    late = _sender(app, clock)  # hears the event after it was sent
    late.record([event])
    assert late.deliver_due() == 0
    assert len(service.received) == 6


def test_a_failing_push_service_is_tried_a_bounded_number_of_times(
    app: FastAPI, studio: Studio, service: PushService, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    service.status = 500
    studio.subscribe(Browser(f"{service.base}/push/secret-of-the-subscription"))
    sender = _sender(app, clock)
    sender.record([_failed_event(studio, studio.fail_a_job())])
    with caplog.at_level(logging.INFO, logger="shuttersense"):
        for _ in range(push_outbox.MAX_ATTEMPTS + 2):
            sender.deliver_due()
            clock.now += timedelta(hours=1)
    assert len(service.received) == push_outbox.MAX_ATTEMPTS
    assert studio.subscriptions(), "a failing push service does not end the subscription"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "127.0.0.1" in logged and "given up" in logged
    assert "secret-of-the-subscription" not in logged
    clock.now += push_outbox.KEEP_DONE * 2
    sender.deliver_due()
    with db(studio.db_url) as session:
        assert session.scalars(select(PushDelivery)).all() == []


class _Recorder(EventBus):
    """A bus that keeps what is published, in the publishing thread."""

    def __init__(self) -> None:
        super().__init__()
        self.published: list[Event] = []

    def publish(self, *events: Event) -> None:
        self.published.extend(events)


@pytest.fixture
def recorded(db_url: str, studio: Studio) -> Iterator[tuple[sessionmaker[Session], _Recorder]]:
    from sqlalchemy import create_engine

    engine = create_engine(db_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    bus = _Recorder()
    deliver_after_commit(sessions, bus)
    yield sessions, bus
    engine.dispose()


def test_an_agent_going_offline_is_announced_once(
    recorded: tuple[sessionmaker[Session], _Recorder],
) -> None:
    sessions, bus = recorded
    start = utcnow()
    with sessions() as session:
        session.execute(update(Agent).values(status="idle", last_heartbeat_at=start))
        session.commit()
        for minutes in (1, 10, 20):  # silent: offline at the first pass that notices
            sweep(session, now=start + timedelta(minutes=minutes))
        offline = [e for e in bus.published if e["event"] == "agent_offline"]
        assert [e["agent_name"] for e in offline] == ["studio-agent"]
        back = start + timedelta(minutes=30)  # a heartbeat, then silence again
        session.execute(update(Agent).values(status="idle", last_heartbeat_at=back))
        session.commit()
        for minutes in (40, 50):
            sweep(session, now=start + timedelta(minutes=minutes))
    offline = [e for e in bus.published if e["event"] == "agent_offline"]
    assert len(offline) == 2 and offline[0]["last_heartbeat_at"] != offline[1]["last_heartbeat_at"]
