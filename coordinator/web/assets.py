"""The dashboard's static files, served at `/assets/<name>.<hash>.<ext>`.

Each file's name carries the start of its SHA-256, so a new release is a new address and every
address can be cached for a year. The files are read once, when the app is built.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import PurePosixPath

from fastapi import Request
from fastapi.responses import Response

from .security import dashboard_headers

__all__ = ["ASSET_PREFIX", "Asset", "Assets", "load_assets"]

ASSET_PREFIX = "/assets/"
_LONG_CACHE = "public, max-age=31536000, immutable"
_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}


@dataclass(frozen=True)
class Asset:
    name: str  # as the templates name it: `app.css`
    hashed: str  # as it is served: `app.1a2b3c4d5e6f.css`
    content: bytes
    media_type: str


class Assets:
    """The static files by name and by served name."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self._by_name: dict[str, Asset] = {}
        self._by_hashed: dict[str, Asset] = {}
        for name, content in files.items():
            path = PurePosixPath(name)
            digest = hashlib.sha256(content).hexdigest()[:12]
            asset = Asset(name, f"{path.stem}.{digest}{path.suffix}", content, _TYPES[path.suffix])
            self._by_name[name] = asset
            self._by_hashed[asset.hashed] = asset

    def url(self, name: str) -> str:
        """The address of the file `name`; KeyError for a file that does not exist."""
        return ASSET_PREFIX + self._by_name[name].hashed

    def content(self, name: str) -> bytes:
        return self._by_name[name].content

    def serve(self, request: Request) -> Response:
        asset = self._by_hashed.get(request.path_params["name"])
        if asset is None:
            return Response(
                "no such file: reload the page to get the current ones",
                status_code=404,
                media_type="text/plain; charset=utf-8",
                headers=dashboard_headers(),
            )
        headers = {**dashboard_headers(), "Cache-Control": _LONG_CACHE}
        return Response(asset.content, media_type=asset.media_type, headers=headers)


def load_assets() -> Assets:
    """Every file of the package's `static` folder."""
    folder = resources.files(__package__).joinpath("static")
    return Assets({entry.name: entry.read_bytes() for entry in folder.iterdir() if entry.is_file()})
