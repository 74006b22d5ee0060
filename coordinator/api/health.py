"""`/health` (the deployment guide's check) and `/metrics` (Prometheus text format)."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from ... import coordinator
from ..errors import Unauthorized
from ..models import JOB_STATES, Agent, Job
from .answers import answers, problem
from .routing import ApiRoute

__all__ = ["router"]

router = APIRouter(tags=["monitoring"], route_class=ApiRoute)


@router.get(
    "/health",
    summary="Liveness and database reachability",
    responses={503: {"description": "the database cannot be reached (`status`: `unhealthy`)"}},
)
def health(request: Request) -> Response:
    engine = request.app.state.engine
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        body = {
            "status": "unhealthy",
            "version": coordinator.__version__,
            "database": "disconnected",
        }
        return JSONResponse(body, status_code=503)
    return JSONResponse(
        {"status": "healthy", "version": coordinator.__version__, "database": "connected"}
    )


def _gauge(name: str, help_text: str, samples: list[tuple[str, float]]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
    lines += [f"{name}{labels} {value:g}" for labels, value in samples]
    return lines


@answers(problem(401, "SHUSAI_METRICS_TOKEN is set, and this request did not bring it"))
def _metrics_reader(request: Request) -> None:
    """With SHUSAI_METRICS_TOKEN set, /metrics answers only a bearer of that token."""
    expected = request.app.state.settings.metrics_token
    if expected is None:
        return
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorized("send the metrics token as `Authorization: Bearer …`")


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=PlainTextResponse,
    dependencies=[Depends(_metrics_reader)],
)
def metrics(request: Request) -> PlainTextResponse:
    engine = request.app.state.engine
    with request.app.state.sessions() as session:
        by_state = dict(
            session.execute(select(Job.status, func.count()).group_by(Job.status)).all()
        )
        online = session.scalar(
            select(func.count()).select_from(Agent).where(Agent.status != "offline")
        )
        oldest = session.scalar(
            select(func.min(Agent.last_heartbeat_at)).where(Agent.status != "offline")
        )
    age = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
    pool = engine.pool
    in_use = pool.checkedout() if hasattr(pool, "checkedout") else 0
    lines = [
        *_gauge(
            "shuttersense_jobs",
            "Jobs by state.",
            [(f'{{state="{state}"}}', by_state.get(state, 0)) for state in JOB_STATES],
        ),
        *_gauge("shuttersense_jobs_failed", "Failed jobs.", [("", by_state.get("failed", 0))]),
        *_gauge("shuttersense_agents_online", "Agents not offline.", [("", online or 0)]),
        *_gauge(
            "shuttersense_oldest_heartbeat_age_seconds",
            "Age of the oldest heartbeat among online agents.",
            [("", age)],
        ),
        *_gauge("shuttersense_db_pool_in_use", "Database connections checked out.", [("", in_use)]),
        *_gauge(
            "shuttersense_websocket_connections",
            "Open WebSocket connections.",
            [("", request.app.state.events.connections)],
        ),
    ]
    return PlainTextResponse("\n".join(lines) + "\n", media_type="text/plain; version=0.0.4")
