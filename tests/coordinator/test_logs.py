"""No API token reaches the logs, even where uvicorn logs a WebSocket's URL with its query."""

from __future__ import annotations

import asyncio
import logging

import pytest
import websockets

from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.logs import RedactTokens
from shuttersense.coordinator.settings import Settings
from tests.helpers.live_server import live_server

SECRET = "eyJhbGciOiJIUzI1NiJ9.very-secret-part"


def test_a_token_in_a_logged_url_is_replaced() -> None:
    record = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        __file__,
        1,
        '%s - "WebSocket %s" [accepted]',
        (("127.0.0.1", 5000), f"/api/tools/ws/jobs?x=1&token={SECRET}&y=2"),
        None,
    )
    assert RedactTokens().filter(record) is True
    assert record.getMessage() == (
        "('127.0.0.1', 5000) - \"WebSocket /api/tools/ws/jobs?x=1&token=***&y=2\" [accepted]"
    )


async def _open(url: str) -> None:
    try:
        async with websockets.connect(url) as socket:
            await socket.recv()
    except websockets.ConnectionClosed:
        pass


def test_the_running_server_logs_no_socket_token(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    server_log = logging.getLogger("uvicorn.error")  # uvicorn's loggers do not reach the root
    with live_server(create_app(settings, sweep_interval=None)) as base:
        server_log.addHandler(caplog.handler)
        caplog.set_level(logging.INFO, logger="uvicorn.error")
        try:
            url = base.replace("http", "ws") + f"/api/tools/ws/jobs?token={SECRET}"
            asyncio.run(_open(url))
        finally:
            server_log.removeHandler(caplog.handler)
    assert "WebSocket /api/tools/ws/jobs?token=***" in caplog.text
    assert SECRET not in caplog.text


def test_building_the_app_leaves_logging_to_the_program_s_entry_point(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    logger = logging.getLogger("shuttersense")
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "level", logging.NOTSET)
    monkeypatch.delattr(logger, "_shuttersense_configured", raising=False)
    create_app(settings, sweep_interval=None)
    assert logger.handlers == []
    assert logger.level == logging.NOTSET
