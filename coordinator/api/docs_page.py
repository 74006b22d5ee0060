"""`/api/docs`: Swagger UI served from the swagger-ui-bundle package, so the page works with no
network (FastAPI's own page loads it from a CDN)."""

from __future__ import annotations

from fastapi.openapi.docs import get_swagger_ui_html
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

__all__ = ["ASSETS", "docs_routes"]

ASSETS = "/api/docs/assets"


def docs_routes(openapi_url: str, title: str) -> list[BaseRoute]:
    """The page at `/api/docs` and its assets under ASSETS."""

    async def page(request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} — API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        )

    return [
        Route("/api/docs", page, include_in_schema=False),
        Mount(ASSETS, StaticFiles(directory=swagger_ui_path), name="docs-assets"),
    ]
