"""The log viewer: the app's log file read off the UI thread, records (tracebacks included)
filtered by level and searched by text, new lines picked up as the file grows."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from shuttersense.desktop.app.logs import parse_log, read_log_tail
from shuttersense.desktop.app.widgets.log_viewer import LogViewer
from shuttersense.desktop.app.workers import Workers

LOG = """\
2026-11-30 10:00:00,001 INFO shuttersense.desktop.app.application: ShutterSense started
2026-11-30 10:00:01,002 DEBUG shuttersense.desktop.app.application: agent: connected, idle
2026-11-30 10:00:02,003 WARNING shuttersense.desktop.agent.runner: coordinator slow to answer
2026-11-30 10:00:03,004 ERROR shuttersense.desktop.app.workers: unexpected failure
Traceback (most recent call last):
  File "x.py", line 1, in <module>
ValueError: boom
2026-11-30 10:00:04,005 INFO shuttersense.desktop.app.first_run_steps: signed in to https://ss.example
"""


def test_records_and_their_tracebacks() -> None:
    records = parse_log("a line before any record\n" + LOG)
    assert [(r.level, r.source.rsplit(".", 1)[-1]) for r in records] == [
        ("INFO", "application"),
        ("DEBUG", "application"),
        ("WARNING", "runner"),
        ("ERROR", "workers"),
        ("INFO", "first_run_steps"),
    ]
    assert records[3].message.endswith("ValueError: boom")
    assert records[3].time == "2026-11-30 10:00:03,004"


def test_the_tail_of_a_long_file(tmp_path: Path) -> None:
    path = tmp_path / "agent.log"
    assert read_log_tail(path) == []  # no file yet: nothing to show, no error
    path.write_text(LOG * 50, encoding="utf-8")
    tail = read_log_tail(path, max_bytes=1000)
    assert 0 < len(tail) < 15
    assert tail[-1].message == "signed in to https://ss.example"
    assert all(record.time.startswith("2026-11-30") for record in tail)  # no cut first line


def test_filter_search_and_new_lines(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "agent.log"
    path.write_text(LOG, encoding="utf-8")
    viewer = LogViewer(path, Workers())
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitUntil(lambda: viewer.filter.rowCount() == 5)
    viewer.level.setCurrentText("Warnings and errors")
    assert viewer.filter.rowCount() == 2
    viewer.level.setCurrentText("All levels")
    viewer.search.setText("SIGNED IN")  # any case
    assert viewer.filter.rowCount() == 1
    message = viewer.filter.index(0, 3)
    assert message.data() == "signed in to https://ss.example"
    viewer.search.setText("boom")  # found in a traceback, shown on its first line only
    assert viewer.filter.rowCount() == 1
    assert viewer.filter.index(0, 3).data() == "unexpected failure"
    assert viewer.filter.index(0, 3).data(3).endswith("ValueError: boom")  # the tooltip
    viewer.search.clear()
    with path.open("a", encoding="utf-8") as log:
        log.write("2026-11-30 10:00:05,006 INFO shuttersense: one more line\n")
    qtbot.waitUntil(lambda: viewer.filter.rowCount() == 6, timeout=10_000)
