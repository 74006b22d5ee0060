"""The app factory: one FastAPI application per Settings (tests and solo mode build their own)."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, asynccontextmanager, nullcontext, suppress
from datetime import datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, sessionmaker

from . import __version__
from .api import (
    agent_audits,
    agent_jobs,
    agent_protocol,
    agents,
    audit,
    auth,
    collection_audits,
    collections,
    config,
    health,
    job_socket,
    jobs,
    pipelines,
    results,
    schedules,
    team_settings,
    trends,
    uploads,
    users,
)
from .api import push as push_api
from .api.client_address import ClientAddress
from .api.docs_page import docs_routes
from .api.lane import Lane
from .api.request_guard import RequestGuard
from .api.web_app import web_app_route
from .claim_wakeups import ClaimWakeups
from .db import make_engine, make_session_factory
from .errors import InvalidInput, ServiceError, TooManyAttempts, Unauthorized, Unavailable
from .event_bus import EventBus
from .logs import configure_logging, redact_server_logs
from .models.base import utcnow
from .parse_pool import ParsePool
from .pg_events import PgNotifyBus
from .push_sender import PushSender
from .services.job_events import deliver_after_commit
from .services.scheduler import run_due
from .services.sweeper import SWEEP_INTERVAL, sweep
from .settings import Settings, load_settings
from .stop_signals import on_stop_signals
from .vapid import VapidSource, parse_vapid
from .vault import Vault
from .web import install_dashboard

__all__ = ["create_app", "create_served_app", "warn_if_metrics_open"]

log = logging.getLogger(__name__)
RESPONSE_GZIP_ABOVE = 4096  # bytes of a response body


async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
    """Domain errors become HTTP answers here, once; a 422 in the shape of FastAPI's own."""
    if isinstance(exc, InvalidInput):
        problems = [{"type": "invalid_input", "loc": list(exc.loc), "msg": str(exc)}]
        return JSONResponse({"detail": problems}, status_code=exc.status)
    headers = None
    if isinstance(exc, Unauthorized):
        headers = {"WWW-Authenticate": "Bearer"}
    elif isinstance(exc, TooManyAttempts | Unavailable):
        headers = {"Retry-After": str(exc.retry_after)}
    return JSONResponse({"detail": str(exc)}, status_code=exc.status, headers=headers)


def _lifespan(
    sessions: sessionmaker[Session],
    bus: EventBus,
    interval: float | None,
    own_process: bool,
    clock: Callable[[], datetime],
    push: PushSender,
) -> Any:
    """The app's lifespan: run the event bus and the push sender, and every `interval` seconds
    sweep (expired
    leases, silent agents, results past retention) and queue the scheduled audits, at the time
    `clock()` tells."""

    def sweep_once() -> None:
        with sessions() as session:
            sweep(session, now=clock())

    def schedule_once() -> None:
        with sessions() as session:
            run_due(session, clock())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stopping = asyncio.Event()

        async def loop() -> None:
            while not stopping.is_set():
                with suppress(TimeoutError):  # the interval, cut short by stopping
                    await asyncio.wait_for(stopping.wait(), interval)
                for name, background_pass in (
                    ("sweeper", sweep_once),
                    ("scheduler", schedule_once),
                ):
                    if stopping.is_set():
                        return
                    try:
                        await run_in_threadpool(background_pass)
                    except Exception:  # keep going; the next pass may succeed
                        log.exception("%s pass failed", name)

        await bus.start()
        await push.start()
        if own_process:
            # What start-up made lives as long as the process: kept out of the collector's
            # full passes, which otherwise walk it all and hold every request up meanwhile.
            gc.collect()
            gc.freeze()
        task = asyncio.create_task(loop()) if interval else None
        # In its own process, a stop signal ends the waiting claims at once (stop_signals.py).
        signals: AbstractContextManager[None] = (
            on_stop_signals(app.state.claim_wakeups.close) if own_process else nullcontext()
        )
        try:
            with signals:
                yield
        finally:
            if task is not None:
                # A pass runs on in its thread whatever happens to the task: let it end before
                # the engine closes, or its connection outlives the pool.
                stopping.set()
                await task
            await push.stop()
            await bus.stop()
            await run_in_threadpool(app.state.parse_pool.close)
            app.state.engine.dispose()

    return lifespan


def create_app(
    settings: Settings | None = None,
    *,
    sweep_interval: float | None = SWEEP_INTERVAL,
    own_process: bool = False,
    clock: Callable[[], datetime] = utcnow,
) -> FastAPI:
    """Build the coordinator for `settings` (read from the environment when omitted).

    `sweep_interval` None turns the background sweeper and scheduler off (tests drive them by
    hand). `own_process`: the app is all its process runs (`serve`, a process manager's worker),
    so it may tune the process and catch its stop signals.
    `clock` tells the background passes the time (tests set it).
    """
    settings = settings or load_settings()
    redact_server_logs()
    web_app = web_app_route(settings.spa_dist_path) if settings.spa_dist_path else None
    engine = make_engine(settings.db_url)
    sessions = make_session_factory(engine)
    bus = EventBus() if settings.is_sqlite else PgNotifyBus(settings.db_url)
    deliver_after_commit(sessions, bus)
    wakeups = ClaimWakeups()
    bus.watch(wakeups.notice)
    vault = Vault(settings.master_key)
    vapid = VapidSource(
        parse_vapid(settings.vapid_public_key, settings.vapid_private_key, settings.vapid_subject),
        generate=not settings.is_production,
        sessions=sessions,
        vault=vault,
        subject=settings.vapid_subject,
    )
    push = PushSender(sessions, vapid, clock=clock, allow_loopback_http=not settings.is_production)
    bus.watch(push.notice)
    app = FastAPI(
        title="ShutterSense coordinator",
        version=__version__,
        openapi_url="/api/openapi.json",
        docs_url=None,  # served from a package instead of a CDN: api/docs_page.py
        redoc_url=None,
        lifespan=_lifespan(sessions, bus, sweep_interval, own_process, clock, push),
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.events = bus
    app.state.vault = vault
    app.state.parse_pool = ParsePool()
    app.state.vapid = vapid
    app.state.push = push
    app.state.lane = Lane()
    app.state.claim_wakeups = wakeups
    app.state.clock = clock
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    # Reports, exports and result JSON go out gzip-compressed to a client that accepts it (large
    # ones compressed in a worker thread); small answers are not worth it.
    app.add_middleware(GZipMiddleware, minimum_size=RESPONSE_GZIP_ABOVE, compresslevel=6)
    app.add_middleware(RequestGuard)
    app.add_middleware(ClientAddress, trusted=settings.trusted_proxies)
    app.add_exception_handler(ServiceError, _service_error)  # type: ignore[arg-type]
    app.include_router(health.router)
    app.include_router(audit.router)
    app.include_router(agent_protocol.router)
    app.include_router(auth.router)
    app.include_router(agent_jobs.router)
    app.include_router(agent_audits.router)
    app.include_router(uploads.router)
    app.include_router(jobs.router)
    app.include_router(collection_audits.router)
    app.include_router(job_socket.router)
    app.include_router(results.router)
    app.include_router(trends.router)
    app.include_router(agents.router)
    app.include_router(users.router)
    app.include_router(team_settings.router)
    app.include_router(collections.router)
    app.include_router(schedules.router)
    app.include_router(pipelines.router)
    app.include_router(config.router)
    app.include_router(push_api.router)
    app.router.routes.extend(docs_routes(app.openapi_url or "", app.title))
    if web_app is None:
        install_dashboard(app)
    else:
        app.router.routes.append(web_app)  # last: it answers whatever no other route took
    return app


def warn_if_metrics_open(settings: Settings) -> None:
    """Once per server, at start-up: production without SHUSAI_METRICS_TOKEN."""
    if settings.is_production and settings.metrics_token is None:
        log.warning(
            "SHUSAI_METRICS_TOKEN is not set: /metrics shows every team's counts to whoever "
            "reaches it; set a token, or let only the proxy reach /metrics (README)"
        )


def create_served_app() -> FastAPI:
    """The app of `serve`'s workers and of `shuttersense.coordinator.asgi`, in a process of its
    own: that process's entry point, so logging is set up here (never in `create_app`, which
    tests and other programs call inside processes whose logging is theirs)."""
    settings = load_settings()
    configure_logging(settings)
    return create_app(settings, own_process=True)
