"""The web app at `/`: the SPA from SHUSAI_SPA_DIST_PATH with its fallback, else the dashboard."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.errors import SettingsError
from shuttersense.coordinator.settings import Settings

INDEX = "<!doctype html><title>ShutterSense</title><div id=app></div>"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A built frontend: index.html and hashed assets, next to a secret outside the folder."""
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text(INDEX)
    (folder / "assets" / "app-1a2b.js").write_text("console.log('app')")
    (folder / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("not for the web")
    (folder / "assets" / "leak.txt").symlink_to(tmp_path / "secret.txt")
    return folder


@pytest.fixture
def spa(settings: Settings, dist: Path) -> Iterator[TestClient]:
    app = create_app(replace(settings, spa_dist_path=dist), sweep_interval=None)
    with TestClient(app) as client:
        yield client


def test_files_are_served_and_client_routes_get_the_index(spa: TestClient) -> None:
    script = spa.get("/assets/app-1a2b.js")
    assert script.status_code == 200 and script.text == "console.log('app')"
    assert "javascript" in script.headers["content-type"]
    assert spa.get("/favicon.svg").text == "<svg/>"
    for route in ("/", "/collections/col_123/results", "/assets/missing.js"):
        page = spa.get(route)
        assert page.status_code == 200 and page.text == INDEX, route
        assert page.headers["cache-control"] == "no-cache"


def test_the_api_and_monitoring_are_never_shadowed(spa: TestClient) -> None:
    assert spa.get("/health").json()["status"] == "healthy"
    assert spa.get("/metrics").text.startswith("# HELP")
    assert spa.get("/api/no-such-thing").status_code == 404
    assert spa.get("/api/no-such-thing").json() == {"detail": "Not Found"}
    assert spa.get("/api/jobs").status_code == 401  # the API answers, not the index
    assert spa.put("/api/jobs").status_code == 405
    assert spa.get("/metrics/extra").status_code == 404


def raw_get(app: Any, path: str) -> tuple[int, bytes]:
    """GET `path` exactly as given: HTTP clients remove `..` segments before sending."""
    sent: list[dict[str, Any]] = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }

    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict[str, Any]:
        if requests:
            return requests.pop()
        await asyncio.Event().wait()  # the client stays until the response is over
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], body


@pytest.mark.parametrize(
    "path", ["/../secret.txt", "/assets/../../secret.txt", "/assets/leak.txt", "/" + "a" * 5000]
)
def test_nothing_outside_the_folder_is_served(spa: TestClient, path: str) -> None:
    status, body = raw_get(spa.app, path)
    assert b"not for the web" not in body
    assert status == 404


def test_a_dist_folder_without_an_index_is_refused(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SHUSAI_SPA_DIST_PATH"):
        create_app(replace(settings, spa_dist_path=tmp_path / "nowhere"))


def test_without_a_dist_folder_the_dashboard_is_served(client: TestClient) -> None:
    first = client.get("/", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/setup"
    assert "first admin" in client.get("/setup").text
    assert client.get("/no-such-page").status_code == 404


def test_a_dist_folder_replaces_the_dashboard(spa: TestClient) -> None:
    for path in ("/", "/setup", "/login", "/settings/agents"):
        answer = spa.get(path, follow_redirects=False)
        assert answer.status_code == 200 and answer.text == INDEX, path
    assert spa.get("/manifest.webmanifest").text == INDEX
    assert spa.get("/api/push/vapid-public-key").status_code == 200  # the API stays
