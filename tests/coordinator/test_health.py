"""`/health`, `/metrics` and the published OpenAPI document."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from cryptography.fernet import Fernet
from fastapi.testclient import TestClient

from benchmarks.large_body import healthy
from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.settings import Settings
from tests.helpers.agent_process import wait_for
from tests.helpers.live_server import free_port
from tests.helpers.postgres import postgres_missing

COORDINATOR = str(Path(sys.executable).with_name("shuttersense-coordinator"))


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


def test_a_metrics_token_closes_metrics_to_everyone_else(settings: Settings) -> None:
    token = "m3trics-t0ken-long-enough-to-be-secret"
    closed = replace(settings, metrics_token=token)
    with TestClient(create_app(closed, sweep_interval=None)) as client:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": token}):
            answer = client.get("/metrics", headers=headers)
            assert answer.status_code == 401 and token not in answer.text
        answer = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200 and "shuttersense_jobs" in answer.text
    with TestClient(create_app(settings, sweep_interval=None)) as client:
        assert client.get("/metrics").status_code == 200  # unset: open, as before


def test_production_warns_once_when_metrics_are_open(
    tmp_path: Path, pg_admin_url: str | None, migrated_pg_url: str | None
) -> None:
    """`serve` in production without SHUSAI_METRICS_TOKEN says so once at start, and with it
    says nothing about it (and never the token)."""
    if migrated_pg_url is None:
        postgres_missing()
    secrets_ = {
        "SHUSAI_MASTER_KEY": Fernet.generate_key().decode(),
        "SESSION_SECRET_KEY": "s" * 40,
        "JWT_SECRET_KEY": "j" * 40,
    }
    token = "the-metrics-token-that-must-not-be-logged"
    for metrics_token, warnings in (("", 1), (token, 0)):
        env = {
            **os.environ,
            **secrets_,
            "SHUSAI_ENV": "production",
            "SHUSAI_DB_URL": migrated_pg_url,
            "SHUSAI_DATA_DIR": str(tmp_path / "data"),
            "SHUSAI_LOG_DIR": str(tmp_path / "logs"),
            "SHUSAI_METRICS_TOKEN": metrics_token,
        }
        port = free_port()
        server = subprocess.Popen(
            [COORDINATOR, "serve", "--port", str(port)], env=env, stderr=subprocess.PIPE
        )
        try:
            wait_for(lambda: healthy(port), 30, "the coordinator to start")  # noqa: B023
        finally:
            server.terminate()
            _out, err = server.communicate(timeout=30)
        log = err.decode()
        assert log.count("SHUSAI_METRICS_TOKEN is not set") == warnings, log
        assert token not in log
