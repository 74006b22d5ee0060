"""The app's log: configured once, in the entry point, and read back by the log viewer.

The app is this machine's agent, so it writes the agent's log (desktop/agent/logs.py): one
rotating file in the agent's log folder tells the whole story.
"""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from shuttersense.desktop.agent.logs import configure_logging

__all__ = [
    "LEVEL_NUMBERS",
    "LogRecord",
    "configure_app_logging",
    "default_log_file",
    "parse_log",
    "read_log_tail",
    "set_log_level",
]

LEVEL_NUMBERS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}
_TAIL_BYTES = 2 * 1024 * 1024  # what the viewer reads from the end of the file
# desktop/agent/logs.py's format: "%(asctime)s %(levelname)s %(name)s: %(message)s"
_LINE = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (DEBUG|INFO|WARNING|ERROR|CRITICAL) (\S+): (.*)$"
)


@dataclass(frozen=True)
class LogRecord:
    time: str
    level: str
    source: str
    message: str


def default_log_file(folder: Path) -> Path:
    return folder / "agent.log"


def configure_app_logging(folder: Path, level: str) -> Path:
    """Log to the agent's file (and to stderr when it is a terminal); returns the file."""
    to_stderr = sys.stderr is not None and sys.stderr.isatty()
    return configure_logging(folder, level, to_stderr=to_stderr) or default_log_file(folder)


def set_log_level(level: str) -> None:
    logging.getLogger("shuttersense").setLevel(level)


def parse_log(text: str) -> list[LogRecord]:
    """Records of a log text; lines that do not start a record (a traceback) join the one
    before."""
    records: list[LogRecord] = []
    for line in text.splitlines():
        found = _LINE.match(line)
        if found:
            records.append(LogRecord(*found.groups()))
        elif records:
            last = records[-1]
            records[-1] = LogRecord(last.time, last.level, last.source, f"{last.message}\n{line}")
    return records


def read_log_tail(path: Path, max_bytes: int = _TAIL_BYTES) -> list[LogRecord]:
    """The records at the end of the log file (disk: call it off the UI thread); none when
    there is no file yet."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, 2)
            handle.seek(max(0, size - max_bytes))
            data = handle.read()
    except FileNotFoundError:
        return []
    text = data.decode("utf-8", errors="replace")
    if len(data) == max_bytes:  # the first line is probably cut: drop it
        text = text.partition("\n")[2]
    return parse_log(text)
