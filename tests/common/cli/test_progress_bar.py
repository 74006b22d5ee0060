"""The CLI progress bar."""

from __future__ import annotations

import io

from shuttersense.common.cli.progress_bar import TerminalProgress


def test_draws_stage_percentage_and_counts_then_clears() -> None:
    stream = io.StringIO()
    bar = TerminalProgress(stream, enabled=True)
    bar.update("scanning", 4096)
    bar.update("pipeline_validation", 50, 200)
    bar.update("pipeline_validation", 200, 200)
    text = stream.getvalue()
    assert "Scanning" in text and "4,096 files" in text
    assert "Pipeline Validation" in text and " 25%" in text and "100%" in text
    assert "200/200" in text
    bar.close()
    assert stream.getvalue().endswith("\r")


def test_throttles_repeated_updates_of_one_stage() -> None:
    stream = io.StringIO()
    bar = TerminalProgress(stream, enabled=True)
    for done in range(1000):
        bar.update("photostats", done, 1000)
    assert stream.getvalue().count("\r") < 50


def test_disabled_bar_writes_nothing() -> None:
    stream = io.StringIO()
    bar = TerminalProgress(stream, enabled=False)
    bar.update("scanning", 10)
    bar.close()
    assert stream.getvalue() == ""
