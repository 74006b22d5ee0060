"""The app factory: one FastAPI application per Settings (tests and solo mode build their own)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from . import __version__
from .api import agent_protocol, health
from .db import make_engine, make_session_factory
from .errors import ServiceError, TooManyAttempts, Unauthorized
from .logs import configure_logging
from .settings import Settings, load_settings

__all__ = ["create_app"]


async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
    """Domain errors become HTTP answers here, once."""
    headers = None
    if isinstance(exc, Unauthorized):
        headers = {"WWW-Authenticate": "Bearer"}
    elif isinstance(exc, TooManyAttempts):
        headers = {"Retry-After": str(exc.retry_after)}
    return JSONResponse({"detail": str(exc)}, status_code=exc.status, headers=headers)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the coordinator for `settings` (read from the environment when omitted)."""
    settings = settings or load_settings()
    configure_logging(settings)
    app = FastAPI(
        title="ShutterSense coordinator",
        version=__version__,
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    engine = make_engine(settings.db_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = make_session_factory(engine)
    app.state.websockets = 0
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    app.add_exception_handler(ServiceError, _service_error)  # type: ignore[arg-type]
    app.include_router(health.router)
    app.include_router(agent_protocol.router)
    app.router.add_event_handler("shutdown", engine.dispose)
    return app
