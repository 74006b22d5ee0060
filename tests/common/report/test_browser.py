"""Reports opened in a real headless Chromium: a small one from a real `shuttersense analyze`
run and the 1,000,000-file one. They must load with no console error and no CSP violation,
open a list on click, stay a sane length, and print their lists expanded. A report of long
hostile names fits a 360 px phone without scrolling sideways, and keeps its desktop layout; the
tool named beside a long action stays inside its box.

Full-page screenshots are kept in build/screenshots/ (report-small.png, report-1m.png,
report-long-names-phone.png, report-long-names-desktop.png).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

from shuttersense.common.demo import build_demo
from shuttersense.common.report import write_report
from shuttersense.common.results import Status
from tests.common.report import factories as f
from tests.common.report.factories import LONG_NAME, long_names_document
from tests.common.report.million import million_file_document
from tests.helpers.browser import chromium_missing, chromium_path, open_page

SCREENSHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots"
# With every list closed, a report is a few screens long whatever the collection's size.
MAX_CLOSED_HEIGHT = 20_000


def _analyze(*args: str) -> None:
    command = Path(sys.executable).with_name("shuttersense")
    assert command.is_file(), f"{command} is missing: run pip install -e '.[dev]' in this venv"
    subprocess.run([str(command), "analyze", *args, "--quiet"], check=True, capture_output=True)


@pytest.fixture(scope="module")
def small_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of a real analysis of the demo's sample tree (a few hundred real files)."""
    root = tmp_path_factory.mktemp("small")
    demo = build_demo(root / "demo")
    report = root / "report.html"
    _analyze(
        str(demo.collection),
        "--pipeline",
        str(demo.pipeline),
        "--config",
        str(demo.config),
        "--check-sidecars",
        "--report",
        str(report),
    )
    return report


@pytest.fixture(scope="module")
def million_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    report = tmp_path_factory.mktemp("million") / "report.html"
    write_report(million_file_document(), report)
    return report


@pytest.mark.parametrize(("which", "shot"), [("small", "report-small"), ("million", "report-1m")])
def test_the_report_opens_cleanly_and_its_lists_open_on_click(
    browser: BrowserContext,
    small_report: Path,
    million_report: Path,
    which: str,
    shot: str,
) -> None:
    report = small_report if which == "small" else million_report
    opened = open_page(browser, report)
    page = opened.page
    try:
        height = page.evaluate("document.documentElement.scrollHeight")
        assert 1_500 < height < MAX_CLOSED_HEIGHT
        first = page.locator("#fix details").first
        names = first.locator("ul.names li").first
        assert not names.is_visible()
        first.locator("summary").click()
        assert first.evaluate("details => details.open")
        assert names.is_visible()
        assert names.inner_text().strip()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=True)
        assert opened.problems() == []
    finally:
        page.close()


@pytest.fixture(scope="module")
def long_names_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    report = tmp_path_factory.mktemp("long-names") / "report.html"
    write_report(long_names_document(), report)
    return report


def _sideways(page: Page) -> int:
    """How much wider than its window the page is, in px (0 or less: not at all)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def _columns(page: Page, selector: str) -> int:
    """How many grid columns the first `selector` lays out."""
    return int(
        page.locator(selector).first.evaluate(
            "grid => getComputedStyle(grid).gridTemplateColumns.split(' ').length"
        )
    )


def test_a_report_of_long_hostile_names_fits_a_phone_and_keeps_its_desktop_layout(
    browser: BrowserContext, long_names_report: Path
) -> None:
    opened = open_page(browser, long_names_report)
    page = opened.page
    try:
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        wide, narrow = page.locator("figure.bars svg.wide"), page.locator("figure.bars svg.narrow")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

        page.set_viewport_size({"width": 360, "height": 760})
        assert _sideways(page) <= 0
        assert _columns(page, ".header-grid") == 1  # the verdict under the facts
        assert _columns(page, ".kpis") == 2
        assert _columns(page, ".chart-row") == 1
        assert narrow.first.is_visible() and not wide.first.is_visible()
        # Long names wrap in their column; a table wider still would scroll in its own box.
        boxes = page.eval_on_selector_all(
            ".table-wrap",
            "bs => bs.map(b => [b.scrollWidth - b.clientWidth, getComputedStyle(b).overflowX])",
        )
        assert boxes and all(extra <= 0 and scroll == "auto" for extra, scroll in boxes), boxes
        page.screenshot(path=SCREENSHOTS / "report-long-names-phone.png", full_page=True)

        page.set_viewport_size({"width": 1280, "height": 900})
        assert _sideways(page) <= 0
        assert _columns(page, ".header-grid") == 2  # facts and verdict side by side
        assert _columns(page, ".kpis") >= 5
        assert _columns(page, ".chart-row") >= 2
        assert wide.first.is_visible() and not narrow.first.is_visible()
        page.screenshot(path=SCREENSHOTS / "report-long-names-desktop.png", full_page=True)

        assert LONG_NAME in page.locator("h1").inner_text()  # shown as text
        assert page.locator("img").count() == 0
        assert opened.problems() == []
    finally:
        page.close()


def test_the_tool_of_a_long_action_stays_in_its_summary(
    browser: BrowserContext, tmp_path: Path
) -> None:
    """The tool's name floats right; a summary that fills its line pushes it below the text, and
    it must still be inside the summary's box. Summaries of every length from one line to two
    make sure one of them ends right at the edge."""
    browsable = f.pattern(Status.PARTIAL, "Browsable Archive", missing=["-DxO.DNG"])
    issues = [
        f.issue(Status.PARTIAL, "Black Box Archive", missing=[f"-{'x' * n}.TIF"], also=[browsable])
        for n in range(1, 90)
    ]
    report = tmp_path / "report.html"
    write_report(f.document(f.validation(issues=issues)), report)
    opened = open_page(browser, report)
    page = opened.page
    try:
        page.set_viewport_size({"width": 1280, "height": 900})
        outside = page.eval_on_selector_all(
            "#fix summary",
            """summaries => summaries.map(s => {
                const tool = s.querySelector('.action-tool');
                if (!tool) return 0;
                return tool.getBoundingClientRect().bottom - s.getBoundingClientRect().bottom;
            }).filter(d => d > 0)""",
        )
        assert outside == []
    finally:
        page.close()


def test_closed_lists_print_expanded(browser: BrowserContext, small_report: Path) -> None:
    opened = open_page(browser, small_report)
    try:
        closed = opened.page.locator("#fix details").nth(1)
        name = closed.locator("ul.names li").first
        assert not name.is_visible()
        opened.page.emulate_media(media="print")
        assert name.is_visible()
        assert not closed.evaluate("details => details.open")
    finally:
        opened.page.close()


def test_a_csp_violation_is_caught(browser: BrowserContext, tmp_path: Path) -> None:
    """The watch the tests above rely on does see a violation of the report's policy."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\"></head>"
        '<body><img src="pixel.png" alt=""></body></html>',
        encoding="utf-8",
    )
    opened = open_page(browser, page)
    try:
        opened.page.wait_for_function("window.__cspViolations.length > 0")
        assert any(v.startswith("img-src") for v in opened.csp_violations())
        assert opened.problems()
    finally:
        opened.page.close()


def test_a_missing_chromium_fails_and_says_how_to_install_it() -> None:
    with pytest.raises(pytest.fail.Exception, match=r"apt-get install -y chromium"):
        chromium_missing()


def test_chromium_is_found_where_the_setting_says(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SHUSAI_TEST_CHROMIUM", str(tmp_path / "missing"))
    assert chromium_path() is None
    binary = tmp_path / "chrome"
    binary.write_bytes(b"")
    monkeypatch.setenv("SHUSAI_TEST_CHROMIUM", str(binary))
    assert chromium_path() == str(binary)
