"""The server `serve` runs, alone or as each of `--workers N`: uvicorn's, with the app built
when it starts (create_served_app, which ends the waiting claims on a stop signal:
stop_signals.py)."""

from __future__ import annotations

import contextlib
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE

from .app import create_served_app

__all__ = ["serve", "served_server"]


def served_server(options: dict[str, Any]) -> uvicorn.Server:
    """uvicorn's server for the app of `serve` (uvicorn `options` as for `uvicorn.Config`, with
    `factory`)."""
    return uvicorn.Server(uvicorn.Config(create_served_app, **options))


def serve(options: dict[str, Any]) -> int:
    """Serve in this process until SIGTERM or SIGINT; uvicorn's exit status 3 when the server
    could not start."""
    server = served_server(options)
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn raises Ctrl-C again once stopped
        server.run()
    return 0 if server.started else STARTUP_FAILURE
