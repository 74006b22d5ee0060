"""What makes a desktop notification: a job that failed, a collection that got worse (never
replayed at start-up), a coordinator silent for minutes (once per outage); each kind can be
switched off."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from shuttersense.desktop.app.api.models import JobSummary, PoolStatus, ResultSummary
from shuttersense.desktop.app.api.overview import Counts, Overview, Worsening, worsened
from shuttersense.desktop.app.services.news import NewsTracker, Notice, NoticeKind
from shuttersense.desktop.app.services.notifications import Notifier
from shuttersense.desktop.app.settings import AppSettings
from shuttersense.desktop.app.tray import Tray
from shuttersense.desktop.app.views.main_window import VIEWS, MainWindow

NOON = datetime(2026, 11, 30, 12, tzinfo=UTC)


def result(
    guid: str, collection: str, tool: str, issues: int, status: str = "COMPLETED"
) -> ResultSummary:
    return ResultSummary(
        guid=guid,
        tool=tool,
        status=status,
        collection=collection,
        files_scanned=100,
        issues_found=issues,
        created_at=NOON,
    )


def overview(failed: tuple[str, ...] = (), worse: tuple[Worsening, ...] = ()) -> Overview:
    return Overview(
        counts=Counts(1, 10, 0, 0, 0, 0, 0),
        pool=PoolStatus(total=1, online=1, offline=0, idle=1, busy=0, status="available"),
        recent=(),
        worse=worse,
        failed_jobs=tuple(
            JobSummary(
                guid=guid,
                tool="photostats",
                status="failed",
                collection="col_a",
                error="the folder /photos is missing",
                created_at=NOON,
            )
            for guid in failed
        ),
        names={"col_a": "Weddings"},
    )


def test_worse_is_the_newest_against_the_one_before() -> None:
    newest_first = [
        result("r5", "col_a", "photostats", 9),
        result("r4", "col_a", "photo_pairing", 2),
        result("r3", "col_a", "photostats", 7, status="FAILED"),  # not an analysis
        result("r2", "col_a", "photostats", 4),
        result("r1", "col_a", "photo_pairing", 3),
        result("r0", "col_a", "photostats", 1),  # older than the previous: not compared
    ]
    assert worsened(newest_first, {"col_a": "Weddings"}) == [
        Worsening("Weddings", "photostats", before=4, after=9, result_guid="r5", created_at=NOON)
    ]


def test_failures_and_worsenings_are_news_once_and_not_at_start() -> None:
    news = NewsTracker()
    worse = Worsening("Weddings", "photostats", 4, 9, "r5", NOON)
    assert news.overview(overview(failed=("job_1",), worse=(worse,))) == []  # the first look
    fresh = news.overview(
        overview(
            failed=("job_1", "job_2"),
            worse=(worse, Worsening("Weddings", "photo_pairing", 1, 3, "r6", NOON)),
        )
    )
    assert fresh == [
        Notice(
            NoticeKind.JOB_FAILED,
            "A job failed",
            "PhotoStats on Weddings: the folder /photos is missing",
        ),
        Notice(
            NoticeKind.COLLECTION_WORSE, "Weddings got worse", "Photo Pairing: 1 → 3 invalid names"
        ),
    ]
    assert news.overview(overview(failed=("job_1", "job_2"))) == []


def test_unreachable_for_minutes_is_told_once_per_outage() -> None:
    now = [1000.0]
    news = NewsTracker(unreachable_after=180, clock=lambda: now[0])
    assert news.unreachable("https://ss.example", "ConnectError") == []
    now[0] += 179
    assert news.unreachable("https://ss.example", "ConnectError") == []
    now[0] += 2
    told = news.unreachable("https://ss.example", "ConnectError")
    assert [n.kind for n in told] == [NoticeKind.COORDINATOR_UNREACHABLE]
    assert told[0].text.startswith(
        "https://ss.example has not answered for 3 minutes (ConnectError)"
    )
    now[0] += 600
    assert news.unreachable("https://ss.example", "ConnectError") == []  # once per outage
    news.reachable()
    assert news.unreachable("https://ss.example", "ConnectError") == []  # a new outage begins
    now[0] += 200
    assert len(news.unreachable("https://ss.example", "ConnectError")) == 1


def test_each_kind_can_be_switched_off(qtbot: QtBot, app_settings: AppSettings) -> None:
    window = MainWindow(app_settings, {name: QLabel() for name, _ in VIEWS})
    qtbot.addWidget(window)
    tray = Tray(available=False, can_pause=True, can_run_all=True)
    notifier = Notifier(app_settings, tray, window)
    failed = Notice(NoticeKind.JOB_FAILED, "A job failed", "PhotoStats on Weddings: gone")
    worse = Notice(NoticeKind.COLLECTION_WORSE, "Weddings got worse", "PhotoStats: 1 → 2")
    app_settings.set_notify(NoticeKind.JOB_FAILED, False)
    posted: list[Notice] = []
    notifier.posted.connect(posted.append)
    notifier.post([failed, worse])
    assert posted == [worse]
    assert window.statusBar().currentMessage() == "Weddings got worse: PhotoStats: 1 → 2"
    assert not AppSettings(app_settings.path).notify(NoticeKind.JOB_FAILED)  # kept
