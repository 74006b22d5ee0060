"""The dashboard in a real headless Chromium against a real coordinator on 127.0.0.1 (SQLite and
PostgreSQL) and a real `shuttersense-agent` process: first run, the registration token and the
command that registers the agent, the pool badge changing when the agent starts, a job's
progress moving without a reload, its report, signing out and in. No page may break its
Content-Security-Policy, log an error or run a hostile name as markup; each is photographed
at desktop and phone width into build/screenshots/ and must fit a 360 px screen. (Pushes and
their notifications: test_dashboard_notifications.py.)"""

from __future__ import annotations

import html
import shlex
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import update

from shuttersense.common.listing import SCAN_TICK
from shuttersense.coordinator.models import Agent
from shuttersense.coordinator.models.base import utcnow
from shuttersense.coordinator.services.agents import OFFLINE_AFTER
from tests.coordinator.factories import db
from tests.helpers.agent_process import AgentHome
from tests.helpers.browser import browser

from .conftest import make_collection
from .dashboard_visit import HOSTILE, Visit, base
from .test_agent_chaos import slow_collection

__all__ = ["base", "browser"]  # the fixtures, imported to be used here


@pytest.fixture
def agent_home(tmp_path: Path) -> Iterator[AgentHome]:
    home = AgentHome(tmp_path / "agent-home")
    try:
        yield home
    finally:
        home.stop_all()


def _progress(page: Page) -> tuple[str, float]:
    row = page.locator("tr[data-job]").first
    return (
        row.locator("[data-field=status]").inner_text(),
        float(row.locator("progress").evaluate("bar => bar.value")),
    )


def test_an_operator_runs_the_coordinator_from_a_browser(
    browser: BrowserContext,
    base: str,
    agent_home: AgentHome,
    tmp_path: Path,
    db_url: str,
) -> None:
    visit = Visit(browser, base)
    page = visit.page
    assert page.url == base + "/setup"
    visit.photograph("setup")
    visit.create_first_admin()
    badge = page.locator("#pool-badge")
    assert badge.get_attribute("data-status") == "offline"
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)") == base + "/"
    visit.photograph("overview-empty")

    visit.go("/settings/agents")
    page.get_by_label("Agent name").fill("Studio Mac")
    visit.submit("Create a registration token")
    command = page.locator("#issued-command").inner_text()
    page.get_by_role("button", name="Copy the command").click()
    expect(page.locator("[data-copy-status]")).not_to_have_text("")
    visit.photograph("settings-agents-token")
    words = shlex.split(command)
    assert words[:4] == ["shuttersense-agent", "register", "--server", base]
    registered = agent_home.cli(*words[1:])
    assert registered.returncode == 0, registered.stderr
    photos = tmp_path / "photos"
    shoot = slow_collection(photos / "shoot", tmp_path / "chain", links=200)
    many = shoot / "a-many"  # walked before `slow/`: enough files for a progress report first
    many.mkdir()
    for number in range(SCAN_TICK + 1):
        (many / f"AC{number:05d}.CR3").write_bytes(b"")
    assert agent_home.cli("roots", "add", str(photos)).returncode == 0
    collection = make_collection(agent_home, shoot, f"Shoot {HOSTILE}")

    visit.go("/")
    assert badge.get_attribute("data-status") == "available"  # registering is a sign of life
    with db(db_url) as session:  # then silence: the sweeper marks the agent offline
        long_ago = utcnow() - OFFLINE_AFTER * 2
        session.execute(update(Agent).values(last_heartbeat_at=long_ago))
        session.commit()
    expect(badge).to_have_attribute("data-status", "offline", timeout=60_000)
    assert "0 online" in badge.inner_text()
    agent_home.start()
    expect(badge).to_have_attribute("data-status", "available", timeout=60_000)
    assert "1 online" in badge.inner_text()

    visit.go("/collections")
    visit.photograph("collections")
    page.get_by_role("link", name=f"Shoot {HOSTILE}").click()
    page.wait_for_url(f"**/collections/{collection}")
    visit.submit("Run PhotoStats")
    page.evaluate("window.__sameDocument = true")
    results = page.locator("[data-live-part=results]")
    expect(results.get_by_text("No results yet.")).to_be_visible()
    expect(page.locator("[data-live-part=numbers]")).to_contain_text("not analysed yet")
    expect(page.locator("body")).to_have_attribute("data-live", "on")
    seen = [_progress(page)]
    deadline = time.monotonic() + 120
    while seen[-1][0] != "completed" and time.monotonic() < deadline:
        page.wait_for_timeout(100)
        if _progress(page) != seen[-1]:
            seen.append(_progress(page))
    assert seen[-1] == ("completed", 100.0), (seen, agent_home.log()[-2000:])
    assert any(0 < value < 100 for _, value in seen), seen  # it moved on the way
    # The job's end brings its result, its trends and the collection's numbers, still no reload.
    expect(results.get_by_role("link", name="PhotoStats")).to_have_count(1)
    expect(page.locator("[data-live-part=trends] figure.chart svg").first).to_be_visible()
    expect(page.locator("[data-live-part=numbers]")).not_to_contain_text("not analysed yet")
    assert page.evaluate("window.__sameDocument") is True  # no reload
    visit.photograph("collection-job-done")

    results.get_by_role("link", name="PhotoStats").click()
    page.wait_for_url("**/results/res_*")
    report = page.frame_locator("iframe.report-frame")
    assert "PhotoStats" in report.locator("body").inner_text(timeout=30_000)
    visit.photograph("result")
    assert HOSTILE not in page.content() and html.escape(HOSTILE, quote=False) in page.content()

    page.keyboard.press("Tab")  # the first stop skips the header
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.emulate_media(color_scheme="dark")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != light
    visit.photograph("result-dark")
    page.emulate_media(color_scheme="light")

    for path, name in (
        ("/jobs", "jobs"),
        ("/", "overview"),
        ("/settings/users", "settings-users"),
        ("/settings/tokens", "settings-tokens"),
        ("/settings/notifications", "settings-notifications"),
        ("/settings/agents", "settings-agents"),
    ):
        visit.go(path)
        visit.photograph(name)

    visit.submit("Sign out")
    assert page.url.startswith(base + "/login")
    visit.photograph("login")
    visit.sign_in()
    visit.check()
    assert len(visit.shot) == 14
