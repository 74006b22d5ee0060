"""Web push in a real headless Chromium whose desktop has a notification server (on a private
D-Bus bus): a push becomes a notification, its text as sent, and clicking it focuses the window
already showing the page it is about, else takes one of the site's windows there, else opens
one; an address elsewhere opens the overview, never the other site."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.helpers.browser import launch_chromium, open_page
from tests.helpers.desktop_notifications import (
    Notification,
    NotificationServer,
    notification_server,
)

from .dashboard_visit import HOSTILE, Visit, base, within

__all__ = ["base"]  # the fixture, imported to be used here


@pytest.fixture(scope="module")
def desktop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NotificationServer]:
    """The notification server of the browser's desktop."""
    with notification_server(tmp_path_factory.mktemp("desktop-bus")) as server:
        yield server


@pytest.fixture(scope="module")
def browser(
    tmp_path_factory: pytest.TempPathFactory, desktop: NotificationServer
) -> Iterator[BrowserContext]:
    """Chromium showing its notifications on `desktop`, where a test can click them."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    with launch_chromium(profile, {"DBUS_SESSION_BUS_ADDRESS": desktop.address}) as context:
        yield context


class PushService:
    """Delivers pushes to the dashboard's service worker as a push service would (Chromium's
    DevTools protocol), with notifications allowed for the site."""

    def __init__(self, browser: BrowserContext, page: Page, base: str) -> None:
        browser.grant_permissions(["notifications"], origin=base)
        self.base = base
        self.devtools = browser.new_cdp_session(page)
        registrations: list[dict[str, str]] = []
        self.devtools.on(
            "ServiceWorker.workerRegistrationUpdated",
            lambda event: registrations.extend(event["registrations"]),
        )
        self.devtools.send("ServiceWorker.enable")
        ours = within(
            page,
            lambda: [r["registrationId"] for r in registrations if r["scopeURL"] == base + "/"],
            "the service worker's registration",
        )
        self.registration = ours[0]

    def deliver(self, *payloads: dict[str, str]) -> None:
        for payload in payloads:
            self.devtools.send(
                "ServiceWorker.deliverPushMessage",
                {
                    "origin": self.base,
                    "registrationId": self.registration,
                    "data": json.dumps(payload),
                },
            )

    def close(self) -> None:
        self.devtools.detach()


def _click(desktop: NotificationServer, title: str) -> None:
    """Click the notification of that title once it shows, and wait until the worker took the
    click (it closes the notification first)."""
    deadline = time.monotonic() + 30

    def showing() -> list[Notification]:
        return [n for n in desktop.shown() if n.title == title and not n.closed]

    while not showing():
        assert time.monotonic() < deadline, f"no notification {title!r} to click"
        time.sleep(0.05)
    clicked = showing()[0]
    desktop.click(clicked)
    while clicked in showing():
        assert time.monotonic() < deadline, f"the click on {title!r} was not taken"
        time.sleep(0.05)


def _notifications_open_pages_of_the_site(
    browser: BrowserContext, desktop: NotificationServer, visit: Visit
) -> None:
    """Pushes become notifications on the desktop, text as sent; a click focuses the window
    showing the page it is about, else takes one of the site's windows there, else opens one;
    an address elsewhere opens the overview."""
    page, base = visit.page, visit.base
    host = base.removeprefix("http://")
    failed = {
        "title": "PhotoStats failed",
        "body": HOSTILE,
        "url": "/jobs?status=failed",
        "tag": "t",
    }
    elsewhere = {"title": "Elsewhere", "body": "", "url": "https://evil.example/x", "tag": "u"}
    opened: list[Page] = []

    def watch(new: Page) -> None:
        opened.append(new)

    browser.on("page", watch)
    push = PushService(browser, page, base)
    before = len(desktop.shown())
    push.deliver(failed, elsewhere)
    shown = desktop.wait_for(before + 2)[before:]
    assert sorted((n.title, n.body) for n in shown) == [
        ("Elsewhere", host),
        ("PhotoStats failed", f"{host}\n\n{HOSTILE}"),  # the text, as sent
    ]

    _click(desktop, "Elsewhere")  # this window shows another page of the site: now the overview
    page.wait_for_url(base + "/")
    _click(desktop, "PhotoStats failed")
    page.wait_for_url(base + "/jobs?status=failed")

    page.evaluate("window.__sameDocument = true")
    other = open_page(browser, base + "/")
    other.page.evaluate("window.__sameDocument = true")
    push.deliver(failed)
    _click(desktop, "PhotoStats failed")  # a window shows that page: focused, nothing moves
    page.wait_for_timeout(2000)  # what should happen is nothing: a quiet while to see none
    assert page.evaluate("window.__sameDocument") is True
    assert other.page.evaluate("window.__sameDocument") is True
    assert (page.url, other.page.url, opened) == (
        base + "/jobs?status=failed",
        base + "/",
        [other.page],
    )
    other.page.close()

    page.goto("about:blank")  # no window of the site left: a click opens one
    push.deliver(elsewhere)
    _click(desktop, "Elsewhere")
    within(page, lambda: len(opened) == 2, "the window the click opens")
    opened[1].wait_for_load_state()
    assert opened[1].url == base + "/"
    opened[1].close()
    browser.remove_listener("page", watch)
    push.close()


def test_a_notification_click_opens_the_page_it_is_about_on_this_site(
    browser: BrowserContext, desktop: NotificationServer, base: str
) -> None:
    visit = Visit(browser, base)
    visit.create_first_admin()
    visit.go("/settings/tokens")  # a page of the site no notification is about
    assert visit.page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)") == base + "/"
    _notifications_open_pages_of_the_site(browser, desktop, visit)
    visit.check()
