"""What the dashboard's browser tests share: a real coordinator on 127.0.0.1 (SQLite and
PostgreSQL), one tab through its pages checked for CSP violations, console errors and dialogs,
and the names and pass phrases they use."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from playwright.sync_api import BrowserContext, Dialog, Page

from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.settings import Settings
from tests.helpers.browser import CleanPage, open_page
from tests.helpers.live_server import live_server

__all__ = ["DESKTOP", "EMAIL", "HOSTILE", "PASSWORD", "PHONE", "SHOTS", "Visit", "base", "within"]

T = TypeVar("T")
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 760}
EMAIL, PASSWORD = "owner@studio.example", "a long pass phrase"
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


@pytest.fixture
def base(settings: Settings) -> Iterator[str]:
    """A coordinator on 127.0.0.1 (sweeper every 0.3 s), its address."""
    with live_server(create_app(settings, sweep_interval=0.3)) as url:
        yield url


class Visit:
    """One tab through the dashboard, checked on every page it leaves."""

    def __init__(self, browser: BrowserContext, base: str) -> None:
        self.base = base
        self.clean: CleanPage = open_page(browser, base + "/")
        self.page: Page = self.clean.page
        self.dialogs: list[str] = []
        self.page.on("dialog", self._dialog)
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
        """Desktop and phone shots of the page; at either width nothing may stick out sideways,
        nor need a table scrolled sideways to be read."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SHOTS / f"dashboard-{name}-desktop.png", full_page=True)
        cut = self._cut_off()
        assert cut == [], f"{name}: at {DESKTOP['width']} px these tables are cut off: {cut}"
        self.page.set_viewport_size(PHONE)
        self.page.screenshot(path=SHOTS / f"dashboard-{name}-phone.png", full_page=True)
        overflow = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name}: {overflow} px wider than a 360 px phone"
        cut = self._cut_off()
        assert cut == [], f"{name}: at {PHONE['width']} px these tables are cut off: {cut}"
        self.page.set_viewport_size(DESKTOP)
        self.shot.add(name)
        self.check()

    def _cut_off(self) -> list[str]:
        """The headings of the tables wider than their box (shown only in part)."""
        return list(
            self.page.eval_on_selector_all(
                ".table-wrap",
                "boxes => boxes.filter(b => b.scrollWidth > b.clientWidth)"
                ".map(b => b.closest('section')?.querySelector('h2')?.textContent || '?')",
            )
        )

    def submit(self, button: str) -> None:
        with self.page.expect_navigation(wait_until="load"):
            self.page.get_by_role("button", name=button).click()

    def create_first_admin(self) -> None:
        """On the first-run screen of an empty instance: the team and its admin, signed in."""
        assert self.page.url == self.base + "/setup"
        self.page.get_by_label("Team name").fill("Studio")
        self.page.get_by_label("Your email").fill(EMAIL)
        self.page.get_by_label("Password", exact=True).fill(PASSWORD)
        self.page.get_by_label("Password again").fill(PASSWORD)
        self.submit("Create the admin and sign in")
        assert self.page.url == self.base + "/"

    def sign_in(self, email: str = EMAIL, password: str = PASSWORD) -> None:
        """On the sign-in page: sign in, and land on the overview."""
        assert self.page.url.startswith(self.base + "/login")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.submit("Sign in")
        assert self.page.url == self.base + "/"


def within(page: Page, condition: Callable[[], T], what: str, seconds: float = 30) -> T:
    """Poll `condition` while the page keeps running (Playwright's events included)."""
    deadline = time.monotonic() + seconds
    while not (value := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        page.wait_for_timeout(100)
    return value
