"""What makes the dashboard an installable app: the web app manifest, the service worker (at
the root, so its scope is the whole site) and the static files. No sign-in: none of them
holds the team's data."""

from __future__ import annotations

import json

from fastapi import Request, Response
from starlette.routing import Route

from .assets import ASSET_PREFIX, Assets
from .security import dashboard_headers

__all__ = ["pwa_routes"]

THEME = "#1f4e8c"
_NO_CACHE = "no-cache"  # a new release reaches the browser at once


def _manifest(assets: Assets) -> bytes:
    icons = [
        {"src": assets.url("icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": assets.url("icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": assets.url("icon-maskable.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    manifest = {
        "name": "ShutterSense",
        "short_name": "ShutterSense",
        "description": "Photo collection audits: jobs, results and agents of your team",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": THEME,
        "icons": icons,
    }
    return json.dumps(manifest, indent=2).encode()


def pwa_routes(assets: Assets) -> list[Route]:
    manifest = _manifest(assets)
    worker = assets.content("sw.js")

    def serve_manifest(request: Request) -> Response:
        headers = {**dashboard_headers(), "Cache-Control": _NO_CACHE}
        return Response(manifest, media_type="application/manifest+json", headers=headers)

    def serve_worker(request: Request) -> Response:
        headers = {**dashboard_headers(), "Cache-Control": _NO_CACHE}
        return Response(worker, media_type="text/javascript; charset=utf-8", headers=headers)

    return [
        Route("/manifest.webmanifest", serve_manifest, methods=["GET"]),
        Route("/sw.js", serve_worker, methods=["GET"]),
        Route(ASSET_PREFIX + "{name}", assets.serve, methods=["GET"]),
    ]
