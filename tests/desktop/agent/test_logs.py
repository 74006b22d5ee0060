"""The agent's log file."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from shuttersense.desktop.agent.logs import configure_logging


@pytest.fixture(autouse=True)
def _restore_logger() -> Iterator[None]:
    logger = logging.getLogger("shuttersense")
    handlers, level = list(logger.handlers), logger.level
    yield
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    for handler in handlers:
        logger.addHandler(handler)
    logger.setLevel(level)


def test_messages_go_to_the_log_file(tmp_path: Path) -> None:
    path = configure_logging(tmp_path / "logs", "info", to_stderr=False)
    assert path == tmp_path / "logs" / "agent.log"
    logging.getLogger("shuttersense.desktop.agent.runner").info("job %s done", "job_1")
    logging.getLogger("shuttersense.desktop.agent.runner").debug("hidden")
    text = path.read_text()
    assert "INFO shuttersense.desktop.agent.runner: job job_1 done" in text
    assert "hidden" not in text


def test_configuring_twice_does_not_duplicate_lines(tmp_path: Path) -> None:
    configure_logging(tmp_path, to_stderr=False)
    path = configure_logging(tmp_path, to_stderr=False)
    assert path is not None
    logging.getLogger("shuttersense").warning("once")
    assert path.read_text().count("once") == 1


def test_an_unwritable_log_folder_falls_back_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "taken").write_text("a file, not a folder")
    assert configure_logging(tmp_path / "taken", to_stderr=True) is None
    assert "cannot write logs to" in capsys.readouterr().err


def test_configuring_keeps_the_handlers_others_added(tmp_path: Path) -> None:
    logger = logging.getLogger("shuttersense")
    theirs = logging.NullHandler()
    logger.addHandler(theirs)
    configure_logging(tmp_path, to_stderr=False)
    path = configure_logging(tmp_path, to_stderr=False)
    assert theirs in logger.handlers
    ours = [h for h in logger.handlers if getattr(h, "baseFilename", None) == str(path)]
    assert len(ours) == 1  # configured twice: its own handler replaced, not added again
