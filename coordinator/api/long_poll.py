"""The claims' long poll: try at once, then again whenever a job may have come, until the wait
is over (204), the client went away, or the server starts to stop (204 at once)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from fastapi import Request, Response
from sqlalchemy.orm import Session

from ..claim_wakeups import RECHECK, ClaimWakeups
from ..services.agent_identity import AgentIdentity
from .deps import AgentCall

__all__ = ["long_poll"]

T = TypeVar("T")


async def long_poll(
    request: Request,
    call: AgentCall,
    attempt: Callable[[Session, AgentIdentity], tuple[AgentIdentity, T | None]],
    wait: int,
) -> T | Response:
    """What `attempt` finds for the calling agent within `wait` seconds, or a 204."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    wakeups: ClaimWakeups = request.app.state.claim_wakeups
    while True:
        asked = loop.time()
        agent, found = await call.run(attempt)
        if found is not None:
            return found
        remaining = deadline - loop.time()
        if remaining <= 0 or await request.is_disconnected():
            return Response(status_code=204)
        if not await wakeups.wait(agent.team_id, agent.id, asked, min(RECHECK, remaining)):
            return Response(status_code=204)  # the server is stopping
        if await request.is_disconnected():  # the agent stopped waiting (paused, quit)
            return Response(status_code=204)  # claim nothing it would never hear of
