"""A child process's stderr, read on a thread of its own and written into the app's log.

The agent and the embedded coordinator log their records on stderr in the agent's format; each
is logged again here under its own logger and level, so the app's one log file (and its log
viewer) tells the whole story. Other lines (a traceback, a program's `error:` line) are logged
as they come; the last `error:` line is kept to say why a child ended.
"""

from __future__ import annotations

import logging
import threading
from typing import IO

from ..logs import LEVEL_NUMBERS, parse_log

__all__ = ["ChildLog"]


class ChildLog:
    def __init__(self, stream: IO[str], name: str) -> None:
        """Start reading `stream` (text) until it ends; `name` is the logger of loose lines."""
        self._stream = stream
        self._log = logging.getLogger(name)
        self.last_error: str | None = None
        self._thread = threading.Thread(target=self._pump, name=f"{name}-log", daemon=True)
        self._thread.start()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def _pump(self) -> None:
        try:
            for line in self._stream:
                self._relay(line.rstrip("\n"))
        except (OSError, ValueError):  # the stream was closed under us: the child is gone
            pass
        finally:
            self._stream.close()  # the child has ended: its end of the pipe is ours to close

    def _relay(self, line: str) -> None:
        if not line.strip():
            return
        records = parse_log(line)
        if records:
            record = records[0]
            logging.getLogger(record.source).log(LEVEL_NUMBERS[record.level], "%s", record.message)
            if record.level in ("ERROR", "CRITICAL"):
                self.last_error = record.message
            return
        _, marker, reason = line.partition("error: ")
        if marker:
            self.last_error = reason
            self._log.error("%s", line)
        else:
            self._log.warning("%s", line)
