"""Logging to stderr and to a rotating file in SHUSAI_LOG_DIR, at SHUSAI_LOG_LEVEL, with API
tokens taken out of logged URLs (uvicorn logs a WebSocket's path with its `?token=`)."""

from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler

from .settings import Settings

__all__ = ["RedactTokens", "configure_logging", "redact_server_logs"]

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


_TOKEN_IN_URL = re.compile(r"([?&](?:token|access_token)=)[^&\s\"']+", re.IGNORECASE)
_SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


class RedactTokens(logging.Filter):
    """Replaces the value of `token=` query parameters in a record's message with `***`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _TOKEN_IN_URL.sub(r"\1***", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def redact_server_logs() -> None:
    """Token redaction on the server's loggers: every app does it, whoever set logging up."""
    for name in _SERVER_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())


def configure_logging(settings: Settings) -> None:
    """Set the `shuttersense` loggers up once; a folder that cannot be created is reported."""
    redact_server_logs()
    logger = logging.getLogger("shuttersense")
    logger.setLevel(settings.log_level)
    if not getattr(logger, "_shuttersense_configured", False):
        _add_handlers(logger, settings)
    for notice in settings.notices:
        logger.info(notice)


def _add_handlers(logger: logging.Logger, settings: Settings) -> None:
    console = logging.StreamHandler()
    console.setFormatter(logging.Formatter(_FORMAT))
    logger.addHandler(console)
    try:
        settings.log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = RotatingFileHandler(
            settings.log_dir / "coordinator.log", maxBytes=10 * 1024 * 1024, backupCount=5
        )
    except OSError as exc:
        logger.warning(
            "cannot write logs to %s (%s); logging to stderr only", settings.log_dir, exc
        )
    else:
        file_handler.setFormatter(logging.Formatter(_FORMAT))
        logger.addHandler(file_handler)
    logger._shuttersense_configured = True  # type: ignore[attr-defined]
