"""The operator's own web app at `/`: the built SPA from `SHUSAI_SPA_DIST_PATH`, in place of the
dashboard (coordinator/web).

A GET of any path outside `/api`, `/health` and `/metrics` answers the file
at that path inside the folder, or `index.html` when there is none (client-side routing). A path
that resolves outside the folder (`..`, a symbolic link leading out) answers 404. The reserved
prefixes are never matched here, so they keep their own 404 and 405 answers.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.routing import Match, Route
from starlette.types import Scope

from ..errors import SettingsError

__all__ = ["RESERVED", "web_app_route"]

RESERVED = frozenset({"api", "health", "metrics"})
_NO_CACHE = {"Cache-Control": "no-cache"}  # a new release must reach the browser at once


def _reserved(path: str) -> bool:
    return path.lstrip("/").split("/", 1)[0] in RESERVED


class _WebAppRoute(Route):
    """A route that steps aside for the API and the monitoring endpoints."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and _reserved(scope["path"]):
            return Match.NONE, {}
        return super().matches(scope)


def _spa(dist: Path) -> Route:
    root = dist.resolve()
    index = root / "index.html"
    if not index.is_file():
        raise SettingsError("SHUSAI_SPA_DIST_PATH", f"{dist} holds no index.html: build it first")

    def serve(request: Request) -> Response:
        try:
            wanted = (root / request.path_params["path"]).resolve()
            inside = wanted.is_relative_to(root)
            found = inside and wanted.is_file() and wanted != index
        except OSError:  # a name too long for the file system, say
            inside = found = False
        if not inside:
            return JSONResponse({"detail": "Not Found"}, status_code=404)
        if found:
            return FileResponse(wanted)
        return FileResponse(index, headers=_NO_CACHE)

    return _WebAppRoute("/{path:path}", serve, methods=["GET", "HEAD"], include_in_schema=False)


def web_app_route(dist: Path) -> Route:
    """The route to add after every other one; SettingsError when `dist` has no index.html."""
    return _spa(dist)
