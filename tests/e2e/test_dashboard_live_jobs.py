"""The dashboard's live job lists in a real headless Chromium against a real coordinator on
127.0.0.1 (SQLite and PostgreSQL): a job queued after a page loaded (by another user, through
the API) shows on the Overview, the Jobs page and its collection's page, in the page's order
and within its filters, then follows the job; a socket the server closes with 1013 (a client
too slow for a burst of events) reconnects and the page shows what changed meanwhile."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from playwright.sync_api import BrowserContext, Page, WebSocket, expect
from sqlalchemy import select

from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.event_bus import QUEUE_SIZE
from shuttersense.coordinator.models import Collection
from shuttersense.coordinator.services.accounts import create_user
from shuttersense.coordinator.services.jobs import create_job
from shuttersense.coordinator.settings import Settings
from tests.coordinator.factories import db
from tests.coordinator.test_jobs_api import add_collection, set_job
from tests.helpers.browser import browser
from tests.helpers.live_server import live_server

from .dashboard_visit import EMAIL, HOSTILE, PASSWORD, Visit

__all__ = ["browser"]  # the fixture, imported to be used here

COLLEAGUE = "colleague@studio.example"


@dataclass
class Studio:
    """A live coordinator, its team's two users and two collections, and the colleague's
    signed-in API client."""

    app: FastAPI
    base: str
    db_url: str
    team_id: int
    weddings: str
    portraits: str
    colleague: httpx.Client

    def queue(self, collection: str) -> str:
        made = self.colleague.post(
            f"/api/collections/{collection}/jobs", json={"tool": "photostats"}
        )
        assert made.status_code == 201, made.text
        return str(made.json()["guid"])

    def queue_quietly(self, collection: str) -> str:
        """Queue a job the way no event announces (a session outside the app's)."""
        with db(self.db_url) as session:
            found = session.scalar(select(Collection).where(Collection.guid == collection))
            assert found is not None
            queued = create_job(session, found, "photostats")
            session.commit()
            return queued.job.guid


@pytest.fixture
def studio(settings: Settings, db_url: str) -> Iterator[Studio]:
    with db(db_url) as session:
        owner = create_user(session, EMAIL, PASSWORD, team="Studio")
        create_user(session, COLLEAGUE, PASSWORD, team="Studio")
        team_id = owner.team_id
    weddings = add_collection(db_url, EMAIL, f"Weddings {HOSTILE}", "/photos/weddings")
    portraits = add_collection(db_url, EMAIL, "Portraits", "/photos/portraits")
    app = create_app(settings, sweep_interval=None)
    with live_server(app) as base, httpx.Client(base_url=base, timeout=30) as colleague:
        login = colleague.post("/api/auth/login", json={"email": COLLEAGUE, "password": PASSWORD})
        assert login.status_code == 200, login.text
        yield Studio(app, base, db_url, team_id, weddings, portraits, colleague)


def _listed(page: Page) -> list[str]:
    return page.eval_on_selector_all("tr[data-job]", "rows => rows.map(r => r.dataset.job)")


def _status(page: Page, job: str) -> str:
    return page.locator(f'tr[data-job="{job}"] [data-field=status]').inner_text()


def _live(visit: Visit, path: str) -> Page:
    visit.go(path)
    expect(visit.page.locator("body")).to_have_attribute("data-live", "on")
    return visit.page


def test_jobs_queued_after_the_pages_loaded_show_on_each_list_that_holds_them(
    browser: BrowserContext, studio: Studio
) -> None:
    first = Visit(browser, studio.base)
    first.sign_in()
    visits = [first] + [Visit(browser, studio.base) for _ in range(3)]
    overview, jobs, wedding, failed = (
        _live(visit, path)
        for visit, path in zip(
            visits,
            ("/", "/jobs", f"/collections/{studio.weddings}", "/jobs?status=failed"),
            strict=True,
        )
    )
    expect(overview.get_by_text("No jobs here.")).to_be_visible()

    older = studio.queue(studio.weddings)
    newer = studio.queue(studio.portraits)
    expect(overview.locator("tr[data-job]")).to_have_count(2)
    expect(jobs.locator("tr[data-job]")).to_have_count(2)
    expect(wedding.locator("tr[data-job]")).to_have_count(1)
    assert _listed(overview) == [older, newer]  # the queue: oldest first
    assert _listed(jobs) == [newer, older]  # the history: newest first
    assert _listed(wedding) == [older]  # only the collection's own
    assert _status(overview, older) == "queued"
    row = overview.locator(f'tr[data-job="{older}"] td[data-label=Collection]')
    assert row.inner_text() == f"Weddings {HOSTILE}"  # a name, shown as text
    expect(overview.get_by_text("No jobs here.")).to_be_hidden()

    cancelled = studio.colleague.post(f"/api/jobs/{older}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    for page in (overview, jobs, wedding):  # the rows added live follow their job too
        expect(page.locator(f'tr[data-job="{older}"] [data-field=status]')).to_have_text(
            "cancelled"
        )
    assert _listed(failed) == []  # a filter the new jobs do not pass
    for visit in visits:
        visit.check()


def test_a_socket_closed_with_1013_reconnects_and_the_page_shows_what_changed_meanwhile(
    browser: BrowserContext, studio: Studio
) -> None:
    visit = Visit(browser, studio.base)
    visit.sign_in()
    shown = studio.queue(studio.weddings)
    page = _live(visit, "/jobs")
    assert _listed(page) == [shown]
    page.evaluate("window.__sameDocument = true")
    reconnected: list[WebSocket] = []

    def opened(socket: WebSocket) -> None:
        reconnected.append(socket)

    page.on("websocket", opened)

    # Changes no event tells the page of: only reading the list again can show them.
    set_job(studio.db_url, shown, status="cancelled")
    hidden = studio.queue_quietly(studio.portraits)
    # A burst of events, more than a socket's queue holds before its reader catches up: the
    # server drops this client and closes its socket with 1013.
    burst = [{"team": studio.team_id, "event": "ping"}] * (QUEUE_SIZE * 2)
    studio.app.state.events.publish(*burst)

    expect(page.locator(f'tr[data-job="{shown}"] [data-field=status]')).to_have_text("cancelled")
    expect(page.locator(f'tr[data-job="{hidden}"]')).to_have_count(1)
    assert _listed(page) == [hidden, shown]
    assert len(reconnected) == 1 and not reconnected[0].is_closed()
    assert page.evaluate("window.__sameDocument") is True  # no reload
    expect(page.locator("body")).to_have_attribute("data-live", "on")
    visit.check()
