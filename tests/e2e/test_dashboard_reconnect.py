"""The job socket's reconnect pause in a real headless Chromium against a real coordinator on
127.0.0.1 (SQLite and PostgreSQL): while the coordinator is down, the page tries again after a
pause that doubles from 1 s up to 30 s; once a socket is subscribed again, the next drop starts
over from 1 s.

The page runs on Playwright's clock, so the test does not wait the minutes those pauses add up
to; each pause is read on the page's own clock, from a socket's close to the next one's start.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.services.accounts import create_user
from shuttersense.coordinator.settings import Settings
from tests.coordinator.factories import db
from tests.helpers.browser import launch_chromium
from tests.helpers.live_server import free_port, live_server

from .dashboard_visit import EMAIL, PASSWORD, Visit, within

FIRST_PAUSE_MS = 1_000
LONGEST_PAUSE_MS = 30_000
_STEP_MS = 1_000

# Runs before the page's scripts: notes on the page's clock when each socket is made and when
# it closes.
_WATCH_SOCKETS = """
window.__sockets = [];
window.WebSocket = class extends window.WebSocket {
  constructor(...args) {
    super(...args);
    const seen = { made: Date.now(), closed: null };
    window.__sockets.push(seen);
    this.addEventListener("close", () => { seen.closed = Date.now(); });
  }
};
"""


@contextmanager
def _coordinator(settings: Settings, port: int) -> Iterator[str]:
    with live_server(create_app(settings, sweep_interval=None), port) as base:
        yield base


def _sockets(page: Page) -> list[dict[str, Any]]:
    return list(page.evaluate("window.__sockets"))


def _newest_closed(page: Page) -> None:
    within(page, lambda: _sockets(page)[-1]["closed"] is not None, "the socket to close")


def _pauses(page: Page, tries: int) -> list[int]:
    """Let the page's clock run, a second at a time, until the page made `tries` more sockets
    (or far longer than that many of the longest pause); the pause before each, in ms."""
    start = len(_sockets(page)) - 1
    for _ in range(tries * (LONGEST_PAUSE_MS + _STEP_MS) // _STEP_MS):
        sockets = _sockets(page)
        if len(sockets) > start + tries:
            break
        _newest_closed(page)  # first, so its pause starts on the clock as it is now
        page.clock.run_for(_STEP_MS)
    sockets = _sockets(page)[start:]
    assert len(sockets) == tries + 1, f"{len(sockets) - 1} of {tries} tries made"
    return [int(later["made"] - sooner["closed"]) for sooner, later in pairwise(sockets)]


def test_the_reconnect_pause_doubles_up_to_a_cap_and_starts_over_once_subscribed(
    tmp_path: Path, settings: Settings, db_url: str
) -> None:
    with db(db_url) as session:
        create_user(session, EMAIL, PASSWORD, team="Studio")
    port = free_port()
    # A browser of its own: the clock is installed in the whole browser context.
    with launch_chromium(tmp_path / "profile") as browser:
        with _coordinator(settings, port) as base:
            visit = Visit(browser, base)
            visit.sign_in()
            page = visit.page
            page.add_init_script(_WATCH_SOCKETS)
            page.clock.install()
            visit.go("/jobs")
            expect(page.locator("body")).to_have_attribute("data-live", "on")
            page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 1)
        # The coordinator is down: every try fails, and each waits longer than the one before.
        assert _pauses(page, 7) == [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]
        expect(page.locator("[data-live-status]")).to_contain_text("reconnecting")

        _newest_closed(page)
        with _coordinator(settings, port):
            page.clock.run_for(LONGEST_PAUSE_MS)
            expect(page.locator("body")).to_have_attribute("data-live", "on")
            assert len(_sockets(page)) == 9
        # Subscribed, then dropped again: the first try comes quickly again.
        assert _pauses(page, 2) == [FIRST_PAUSE_MS, 2 * FIRST_PAUSE_MS]
