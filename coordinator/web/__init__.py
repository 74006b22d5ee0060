"""The web dashboard the coordinator serves at `/`: server-rendered pages (Jinja2 templates in
this package), a little plain JavaScript from files, a web app manifest and a service worker.
No build step. `SHUSAI_SPA_DIST_PATH` replaces it with an operator's own build."""

from __future__ import annotations

from fastapi import FastAPI

from . import (
    account_settings,
    agent_settings,
    auth_pages,
    collection_pages,
    job_pages,
    overview_page,
)
from .assets import load_assets
from .pwa import pwa_routes
from .rendering import Dashboard

__all__ = ["install_dashboard"]


def install_dashboard(app: FastAPI) -> None:
    """Add the dashboard's pages and files to `app` (after its API routes)."""
    dashboard = Dashboard(load_assets())
    app.state.dashboard = dashboard
    for module in (
        auth_pages,
        overview_page,
        collection_pages,
        job_pages,
        agent_settings,
        account_settings,
    ):
        app.include_router(module.router)
    app.router.routes.extend(pwa_routes(dashboard.assets))
