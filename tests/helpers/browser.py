"""A real headless Chromium for tests that look at pages: the system's `chromium` driven by
Playwright, with no browser download, no network chatter and a fresh profile per test module.

Pages opened through `open_page` record console errors, uncaught errors and Content-Security-Policy
violations, so a test can assert that a page is clean.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, sync_playwright

__all__ = [
    "CleanPage",
    "browser",
    "chromium_missing",
    "chromium_path",
    "launch_chromium",
    "open_page",
]

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Runs before any page script, even under a CSP that forbids scripts (Playwright injects it).
_WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def chromium_missing() -> NoReturn:
    """End a browser test when there is no Chromium: always a failure, never a skip, so a run
    that could not look at the pages can never pass."""
    pytest.fail(
        "the browser tests need Chromium: install it with `apt-get install -y chromium` "
        "(Debian/Ubuntu), or point SHUSAI_TEST_CHROMIUM at a Chromium or Chrome binary"
    )


def chromium_path() -> str | None:
    """SHUSAI_TEST_CHROMIUM when set, else the `chromium` on PATH; None when there is none."""
    configured = os.environ.get("SHUSAI_TEST_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def launch_chromium(
    profile: Path, env: Mapping[str, str] | None = None
) -> Iterator[BrowserContext]:
    """The headless Chromium on a fresh `profile`, with `env` added to its environment."""
    executable = chromium_path()
    if executable is None:
        chromium_missing()
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            env={**os.environ, **(env or {})},
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """A headless Chromium with a fresh profile for one test module; open pages with
    `open_page`. Not for longer: while Playwright's sync API is open it keeps an event loop
    running in the main thread and its driver as a child process, so later tests could neither
    call asyncio.run nor count their own children."""
    with launch_chromium(tmp_path_factory.mktemp("chromium-profile")) as context:
        yield context


@dataclass
class CleanPage:
    """An open page and what went wrong on it so far."""

    page: Page
    console_errors: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return list(self.page.evaluate("window.__cspViolations || []"))

    def problems(self) -> list[str]:
        """Console errors, uncaught errors and CSP violations, in one list."""
        return [*self.console_errors, *self.csp_violations()]


def open_page(browser: BrowserContext, path: Path | str) -> CleanPage:
    """Open the file at `path` (or the address `path`) in a new tab, watching for errors and
    CSP violations."""
    page = browser.new_page()
    page.add_init_script(_WATCH_CSP)
    opened = CleanPage(page)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            opened.console_errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: opened.console_errors.append(str(error)))
    page.goto(path.resolve().as_uri() if isinstance(path, Path) else path, wait_until="load")
    return opened
