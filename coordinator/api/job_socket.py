"""Job progress over WebSocket, `/api/tools/ws/jobs[/{guid}]` (the path the seed's nginx proxies).

After authenticating (API token or session cookie, see `socket_user`) the server says
`{"event": "subscribed", "job": guid-or-null}`; from then on every change of the team's jobs (or
of the one job) arrives as a JSON event: `state` (queued, claimed, running, completed, no_change,
failed, cancelled, or a cancellation request) and `progress` (stage, percent, counts, message).
`ping` every 30 s of silence keeps proxies from closing the socket. The caller's sign-in is
checked again every 30 s, so a socket whose token was revoked, whose session ended or whose user
was deactivated closes within a minute. A refused socket is closed with 1008 (policy
violation); another team's job reads exactly like a job that does not exist.
A client too slow to keep up is closed with 1013 (try again later) and should reconnect.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool

from ..errors import NotFound, ServiceError
from ..event_bus import SlowConsumer, Subscription
from ..ids import is_guid
from ..services.job_events import public_view
from ..services.job_lifecycle import find_team_job
from .deps import socket_user

__all__ = ["POLICY_VIOLATION", "TRY_AGAIN_LATER", "router"]

router = APIRouter(prefix="/api/tools/ws")

POLICY_VIOLATION = 1008
TRY_AGAIN_LATER = 1013
PING_INTERVAL = 30.0
_MAX_REASON = 120  # a close reason is at most 123 bytes


def _team_of_caller(websocket: WebSocket, guid: str | None) -> int:
    with websocket.app.state.sessions() as session:
        user = socket_user(websocket, session)
        if guid is not None:
            if not is_guid(guid, "job"):  # nothing to look up (and no NUL reaches the database)
                raise NotFound("no such job")
            find_team_job(session, user.team_id, guid)
        return user.team_id


async def _until_closed(websocket: WebSocket) -> None:
    while (await websocket.receive())["type"] != "websocket.disconnect":
        pass  # the client has nothing to say; anything it sends is ignored


async def _pump(websocket: WebSocket, subscription: Subscription, guid: str | None) -> None:
    """Forward events until the client leaves; ping when nothing happened for a while; check
    the caller's sign-in again every PING_INTERVAL (ServiceError when it no longer holds)."""
    loop = asyncio.get_running_loop()
    checked = loop.time()
    closed = asyncio.create_task(_until_closed(websocket))
    try:
        while True:
            upcoming = asyncio.create_task(subscription.next())
            done, _ = await asyncio.wait(
                {upcoming, closed}, timeout=PING_INTERVAL, return_when=asyncio.FIRST_COMPLETED
            )
            if upcoming not in done:
                upcoming.cancel()
            if closed in done:
                return
            if loop.time() - checked >= PING_INTERVAL:
                await run_in_threadpool(_team_of_caller, websocket, guid)
                checked = loop.time()
            event = upcoming.result() if upcoming in done else {"event": "ping"}
            await websocket.send_json(public_view(event))
    finally:
        closed.cancel()


async def _serve(websocket: WebSocket, guid: str | None) -> None:
    await websocket.accept()
    try:
        team_id = await run_in_threadpool(_team_of_caller, websocket, guid)
    except ServiceError as exc:
        await websocket.close(POLICY_VIOLATION, str(exc)[:_MAX_REASON])
        return
    with websocket.app.state.events.subscribe(team_id, guid) as subscription:
        try:
            await websocket.send_json({"event": "subscribed", "job": guid})
            await _pump(websocket, subscription, guid)
        except ServiceError as exc:
            await websocket.close(POLICY_VIOLATION, str(exc)[:_MAX_REASON])
        except SlowConsumer as exc:
            await websocket.close(TRY_AGAIN_LATER, str(exc)[:_MAX_REASON])
        except WebSocketDisconnect:
            return


@router.websocket("/jobs")
async def team_jobs(websocket: WebSocket) -> None:
    """Events of every job of the caller's team."""
    await _serve(websocket, None)


@router.websocket("/jobs/{guid}")
async def one_job(websocket: WebSocket, guid: str) -> None:
    """Events of one job of the caller's team."""
    await _serve(websocket, guid)
