"""`/health`, `/metrics` and the published OpenAPI document."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from fastapi.testclient import TestClient

from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.settings import Settings


def test_health_reports_a_connected_database(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "healthy", "version": "0.1.0", "database": "connected"}


def test_health_is_503_when_the_database_is_unreachable(settings: Settings, tmp_path: Path) -> None:
    broken = replace(settings, db_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    with TestClient(create_app(broken)) as client:
        response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["database"] == "disconnected"


def test_metrics_are_prometheus_text(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    body = response.text
    assert 'shuttersense_jobs{state="queued"} 0' in body
    for name in (
        "shuttersense_jobs_failed",
        "shuttersense_agents_online",
        "shuttersense_oldest_heartbeat_age_seconds",
        "shuttersense_db_pool_in_use",
        "shuttersense_websocket_connections",
    ):
        assert f"# TYPE {name} gauge" in body


def test_openapi_is_published_under_api(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        document = client.get("/api/openapi.json").json()
    assert "/health" in document["paths"]
