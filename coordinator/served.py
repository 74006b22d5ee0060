"""The server `serve` runs, alone or as each of `--workers N`: uvicorn's, which ends the claims
waiting for work as soon as it starts to stop.

On SIGTERM or SIGINT uvicorn stops accepting connections and then waits for the requests in
flight. An agent's claim waits up to 30 s for a job, so with a fleet long-polling the process
took 30 s to exit, refusing connections all along. The app's lifespan cannot help: its shutdown
runs only once those requests are done. So this server tells the app first (the claims answer
204 and their agents call again, elsewhere or once the coordinator is back), then stops as
uvicorn does.
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

import uvicorn
from fastapi import FastAPI
from uvicorn.config import STARTUP_FAILURE

from .app import create_served_app

__all__ = ["ServedServer", "serve"]


class ServedServer(uvicorn.Server):
    """uvicorn's server for the app of `serve`, built when the server starts (uvicorn `options`
    as for `uvicorn.Config`, with `factory`)."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.app: FastAPI | None = None
        super().__init__(uvicorn.Config(self._build, **options))

    def _build(self) -> FastAPI:
        self.app = create_served_app()
        return self.app

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.app is not None:
            self.app.state.claim_wakeups.close()
        await super().shutdown(sockets)


def serve(options: dict[str, Any]) -> int:
    """Serve in this process until SIGTERM or SIGINT; uvicorn's exit status 3 when the server
    could not start."""
    server = ServedServer(options)
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn raises Ctrl-C again once stopped
        server.run()
    return 0 if server.started else STARTUP_FAILURE
