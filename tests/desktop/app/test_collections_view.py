"""The Collections view against a real coordinator (both databases): each tool's last result
with its KPIs, a trend that moves after a second result, the findings, the HTML report in the
browser; a folder added from the view and all tools run on it by a real agent process."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from shuttersense.common.results import (
    PhotoPairingResult,
    PhotoStatsResult,
    PipelineValidationResult,
)
from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.app.views.collections_view import CollectionsView
from tests.desktop.app.app_factory import SignedInView
from tests.desktop.app.studio import Studio

WAIT = 30_000


class Browser(QObject):
    """Where QDesktopServices sends file URLs during the test, instead of a browser."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url)


def shown_rows(view: CollectionsView) -> dict[str, object]:
    return {row.collection.name: row for row in view.model.rows()}


def test_kpis_trend_findings_and_report(
    qtbot: QtBot, context: AgentContext, studio: Studio, signed_in_view: SignedInView
) -> None:
    first = studio.analyse()
    stats = first.results["photostats"]
    pairing = first.results["photo_pairing"]
    assert isinstance(stats, PhotoStatsResult) and isinstance(pairing, PhotoPairingResult)
    orphans = stats.orphaned_images.count + stats.orphaned_sidecars.count
    _, view = signed_in_view(
        "collections",
        CollectionsView,
        lambda v: v.detail.boxes["photostats"].result_guid is not None,
    )
    detail = view.detail
    box = detail.boxes["photostats"]
    name = studio.collection["name"]
    assert view.model.rowCount() == 1
    assert view.model.index(0, 0).data() == name
    assert view.model.index(0, 4).data() == f"{orphans:,}"  # orphaned files
    assert box.kpi("Files") == f"{stats.total_files:,}"
    assert box.kpi("Images without sidecar") == f"{stats.orphaned_images.count:,}"
    assert detail.boxes["photo_pairing"].kpi("Invalid names") == f"{pairing.invalid_file_count:,}"
    checked = first.results["pipeline_validation"]
    assert isinstance(checked, PipelineValidationResult)
    consistent = checked.overall_status["CONSISTENT"]
    assert detail.boxes["pipeline_validation"].kpi("Consistent") == f"{consistent:,}"
    orphans_chart, invalid_chart, consistent_chart = detail.charts
    assert orphans_chart.latest() == orphans
    assert invalid_chart.latest() == pairing.invalid_file_count  # from /api/trends
    assert consistent_chart.latest() is not None
    # the findings: every orphan is in a row, runs of names as "first … last (n)"
    findings = detail.findings_model
    orphan_rows = [
        findings.row(i) for i in range(findings.rowCount()) if findings.row(i).tool == "photostats"
    ]
    assert sum(row.count for row in orphan_rows) == orphans

    # one report of the collection: the last result of each tool in one page
    browser = Browser()
    QDesktopServices.setUrlHandler("file", browser, "open")
    try:
        assert detail.report.isEnabled()
        detail.report.click()
        qtbot.waitUntil(lambda: bool(browser.opened), timeout=WAIT)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    report = Path(browser.opened[0].toLocalFile())
    assert report == context.dirs.data / "reports" / f"{studio.collection['guid']}.html"
    page = report.read_text(encoding="utf-8")
    for title in ("PhotoStats", "Photo Pairing", "Pipeline Validation"):
        assert title in page
    assert checked.pipeline_name in page
    assert pairing.invalid_names[0].by_folder  # an invalid name of Photo Pairing is in it
    assert next(iter(pairing.invalid_names[0].by_folder.values()))[0] in page

    studio.lose_sidecars(4)
    second = studio.analyse()
    later = second.results["photostats"]
    assert isinstance(later, PhotoStatsResult)
    orphans_now = later.orphaned_images.count + later.orphaned_sidecars.count
    assert orphans_now > orphans
    view.refresh()
    qtbot.waitUntil(lambda: orphans_chart.latest() == orphans_now, timeout=WAIT)
    # every chart has the trends' points: the day's last result, however many were made
    assert len(invalid_chart.points) == len(orphans_chart.points)
    assert view.model.index(0, 4).data() == f"{orphans_now:,}"
    assert box.kpi("Images without sidecar") == f"{later.orphaned_images.count:,}"
