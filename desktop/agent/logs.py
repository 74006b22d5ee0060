"""The agent's logs: a rotating file in the platformdirs log folder, and stderr.

Called from a program's entry point only. Configuring again replaces the handlers added here
before, and only those: others on the `shuttersense` logger (a test's, a host program's) stay.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

__all__ = ["configure_logging"]

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_OURS = "_shuttersense_agent_handler"  # marks the handlers this module added


def configure_logging(
    folder: Path | None, level: str = "INFO", *, to_stderr: bool = True
) -> Path | None:
    """Log `shuttersense` messages (to a file in `folder`, unless None); returns the log file,
    or None when there is none."""
    logger = logging.getLogger("shuttersense")
    logger.setLevel(level.upper())
    for handler in list(logger.handlers):
        if getattr(handler, _OURS, False):
            logger.removeHandler(handler)
            handler.close()
    if to_stderr:
        console = logging.StreamHandler()
        console.setFormatter(logging.Formatter(_FORMAT))
        _add(logger, console)
    if folder is None:
        return None
    path = folder / "agent.log"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        file_handler = RotatingFileHandler(path, maxBytes=5 * 1024 * 1024, backupCount=5)
    except OSError as exc:
        logger.warning("cannot write logs to %s (%s); logging to stderr only", folder, exc)
        return None
    file_handler.setFormatter(logging.Formatter(_FORMAT))
    _add(logger, file_handler)
    return path


def _add(logger: logging.Logger, handler: logging.Handler) -> None:
    setattr(handler, _OURS, True)
    logger.addHandler(handler)
