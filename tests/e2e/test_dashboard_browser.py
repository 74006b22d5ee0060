"""The dashboard in a real headless Chromium against a real coordinator on 127.0.0.1 (SQLite and
PostgreSQL) and a real `shuttersense-agent` process: first run, the registration token and the
command that registers the agent, the pool badge changing when the agent starts, a job's
progress moving without a reload, its report, signing out and in. No page may break its
Content-Security-Policy, log an error or run a hostile name as markup; each is photographed
at desktop and phone width into build/screenshots/ and must fit a 360 px screen."""

from __future__ import annotations

import html
import json
import shlex
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from playwright.sync_api import BrowserContext, Dialog, Page, expect
from sqlalchemy import update

from shuttersense.common.analysis import _SCAN_TICK as SCAN_TICK
from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.models import Agent
from shuttersense.coordinator.models.base import utcnow
from shuttersense.coordinator.services.agents import OFFLINE_AFTER
from shuttersense.coordinator.settings import Settings
from tests.coordinator.factories import db
from tests.helpers.agent_process import AgentHome
from tests.helpers.browser import CleanPage, browser, open_page
from tests.helpers.live_server import live_server

from .conftest import make_collection
from .test_agent_chaos import slow_collection

__all__ = ["browser"]  # the fixture, imported to be used here

T = TypeVar("T")
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 760}
EMAIL, PASSWORD = "owner@studio.example", "a long pass phrase"
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


@pytest.fixture
def base(settings: Settings) -> Iterator[str]:
    with live_server(create_app(settings, sweep_interval=0.3)) as url:
        yield url


@pytest.fixture
def agent_home(tmp_path: Path) -> Iterator[AgentHome]:
    home = AgentHome(tmp_path / "agent-home")
    try:
        yield home
    finally:
        home.stop_all()


class Visit:
    """One tab through the dashboard, checked on every page it leaves."""

    def __init__(self, browser: BrowserContext, base: str) -> None:
        self.base = base
        self.clean: CleanPage = open_page(browser, base + "/")
        self.page: Page = self.clean.page
        self.dialogs: list[str] = []
        self.page.on(
            "dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss())
        )
        self.shot: set[str] = set()

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def check(self) -> None:
        """The page so far: no CSP violation, console error or dialog a name opened."""
        assert self.clean.problems() == [], self.page.url
        assert self.dialogs == [], self.page.url

    def go(self, path: str) -> None:
        self.check()
        self.page.goto(self.base + path, wait_until="load")

    def photograph(self, name: str) -> None:
        """Desktop and phone shots of the page; at 360 px nothing may stick out sideways."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SHOTS / f"dashboard-{name}-desktop.png", full_page=True)
        self.page.set_viewport_size(PHONE)
        self.page.screenshot(path=SHOTS / f"dashboard-{name}-phone.png", full_page=True)
        overflow = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name}: {overflow} px wider than a 360 px phone"
        self.page.set_viewport_size(DESKTOP)
        self.shot.add(name)
        self.check()

    def submit(self, button: str) -> None:
        with self.page.expect_navigation(wait_until="load"):
            self.page.get_by_role("button", name=button).click()


def _progress(page: Page) -> tuple[str, float]:
    row = page.locator("tr[data-job]").first
    return (
        row.locator("[data-field=status]").inner_text(),
        float(row.locator("progress").evaluate("bar => bar.value")),
    )


def _within(page: Page, condition: Callable[[], T], what: str, seconds: float = 30) -> T:
    """Poll `condition` while the page keeps running (Playwright's events included)."""
    deadline = time.monotonic() + seconds
    while not (value := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        page.wait_for_timeout(100)
    return value


def _pushed(
    browser: BrowserContext, page: Page, base: str, *payloads: dict[str, str]
) -> list[list[str]]:
    """Deliver `payloads` to the service worker as a push service would (Chromium's DevTools
    protocol), and return the notifications it shows: title, body, tag, the page a click opens."""
    browser.grant_permissions(["notifications"], origin=base)
    devtools = browser.new_cdp_session(page)
    registrations: list[dict[str, str]] = []
    devtools.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    devtools.send("ServiceWorker.enable")
    ours = _within(
        page,
        lambda: {r["registrationId"] for r in registrations if r["scopeURL"] == base + "/"},
        "the service worker's registration",
    )
    shown = "navigator.serviceWorker.ready.then(r => r.getNotifications()).then(found => "
    shown += "found.map(n => [n.title, n.body, n.tag, n.data.url]))"

    def all_shown() -> list[list[str]] | None:
        found: list[list[str]] = page.evaluate(shown)
        return found if len(found) == len(payloads) else None

    # DevTools drops a delivery now and then while the worker starts on a loaded machine; a
    # delivery again replaces the notification of the same tag, so the count stays exact.
    for attempt in range(3):
        for payload in payloads:
            devtools.send(
                "ServiceWorker.deliverPushMessage",
                {"origin": base, "registrationId": min(ours), "data": json.dumps(payload)},
            )
        try:
            found = _within(page, all_shown, "the notifications", seconds=20)
            break
        except AssertionError:
            if attempt == 2:
                raise
    devtools.detach()
    return sorted(found)


def test_an_operator_runs_the_coordinator_from_a_browser(
    browser: BrowserContext, base: str, agent_home: AgentHome, tmp_path: Path, db_url: str
) -> None:
    visit = Visit(browser, base)
    page = visit.page
    assert page.url == base + "/setup"
    visit.photograph("setup")
    page.get_by_label("Team name").fill("Studio")
    page.get_by_label("Your email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    visit.submit("Create the admin and sign in")
    assert page.url == base + "/"
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
    expect(page.locator("body")).to_have_attribute("data-live", "on")
    seen = [_progress(page)]
    deadline = time.monotonic() + 120
    while seen[-1][0] != "completed" and time.monotonic() < deadline:
        page.wait_for_timeout(100)
        if _progress(page) != seen[-1]:
            seen.append(_progress(page))
    assert seen[-1] == ("completed", 100.0), (seen, agent_home.log()[-2000:])
    assert any(0 < value < 100 for _, value in seen), seen  # it moved on the way
    assert page.evaluate("window.__sameDocument") is True  # no reload
    visit.photograph("collection-job-done")

    page.reload(wait_until="load")
    page.locator("section", has_text="Results").get_by_role("link", name="PhotoStats").click()
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

    shown = _pushed(
        browser,
        page,
        base,
        {"title": "PhotoStats failed", "body": HOSTILE, "url": "/jobs?status=failed", "tag": "t"},
        {"title": "Elsewhere", "body": "", "url": "https://evil.example/x", "tag": "u"},
    )
    assert shown == [
        ["Elsewhere", "", "u", base + "/"],  # a notification only ever opens this site
        ["PhotoStats failed", HOSTILE, "t", base + "/jobs?status=failed"],  # text, as sent
    ]

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
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    visit.submit("Sign in")
    assert page.url == base + "/"
    visit.check()
    assert len(visit.shot) == 14
