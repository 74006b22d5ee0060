"""A result page on a phone, in a real headless Chromium against a real coordinator on 127.0.0.1
(SQLite and PostgreSQL): for results whose every name is long and hostile, at 360 px neither the
page nor the stored report in its frame scrolls sideways, and the frame spans the phone's width;
at desktop width the report in the frame keeps its desktop layout. Screenshots of both widths go
to build/screenshots/ (dashboard-result-long-names-*): full-page shots of the page, and shots of
the window with the frame in it (headless Chromium leaves a sandboxed frame blank in a full-page
shot)."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, FrameLocator, Locator, Page, expect

from tests.common.report.factories import LONG_NAME, long_names_document
from tests.coordinator.test_jobs_api import add_collection
from tests.coordinator.test_results_api import store
from tests.helpers.browser import browser

from .dashboard_visit import DESKTOP, EMAIL, PHONE, SHOTS, Visit, base

__all__ = ["base", "browser"]  # the fixtures, imported to be used here

_SIDEWAYS = "html => html.scrollWidth - html.clientWidth"
_PAINTED = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def _grid_columns(report: FrameLocator) -> int:
    return int(
        report.locator(".header-grid").evaluate(
            "grid => getComputedStyle(grid).gridTemplateColumns.split(' ').length"
        )
    )


def _photograph_frame(page: Page, frame: Locator, name: str) -> None:
    frame.scroll_into_view_if_needed()
    # Wait for two frames of the page after the resize, or the shot can catch the report's
    # frame not drawn yet (blank).
    page.evaluate(_PAINTED)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"dashboard-result-long-names-{name}.png")


def test_a_result_of_long_hostile_names_reads_on_a_phone(
    browser: BrowserContext, base: str, db_url: str
) -> None:
    visit = Visit(browser, base)
    visit.create_first_admin()
    page = visit.page
    collection = add_collection(
        db_url, EMAIL, f"Collection {LONG_NAME}", f"/Volumes/{LONG_NAME}/{LONG_NAME}"
    )
    for tool, result in long_names_document().results.items():
        guid = store(db_url, collection, result)
        visit.go(f"/results/{guid}")
        frame = page.locator("iframe.report-frame")
        report = page.frame_locator("iframe.report-frame")
        expect(report.locator("h1")).to_contain_text(LONG_NAME)
        report.locator("html").evaluate(
            "html => html.querySelectorAll('details').forEach(d => { d.open = true; })"
        )

        page.set_viewport_size(PHONE)
        assert page.locator("html").evaluate(_SIDEWAYS) <= 0
        assert report.locator("html").evaluate(_SIDEWAYS) <= 0
        box = frame.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert box["width"] >= PHONE["width"] - 4  # edge to edge, not a frame in a frame
        assert _grid_columns(report) == 1
        _photograph_frame(page, frame, f"{tool}-phone")
        page.set_viewport_size(DESKTOP)
        assert _grid_columns(report) == 2
        _photograph_frame(page, frame, f"{tool}-desktop")
    visit.photograph("result-long-names")
    visit.check()
