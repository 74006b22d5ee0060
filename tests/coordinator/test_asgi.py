"""`shuttersense.coordinator.asgi:app` under real process managers: gunicorn with the worker
class the README gives and the one the deployment guide gives, and uvicorn; on both databases."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from tests.helpers.agent_process import wait_for
from tests.helpers.live_server import free_port
from tests.helpers.postgres import postgres_missing

APP = "shuttersense.coordinator.asgi:app"
BIN = Path(sys.executable).parent


def command(manager: str, port: int) -> list[str]:
    bind = f"127.0.0.1:{port}"
    if manager == "uvicorn":
        return [str(BIN / "uvicorn"), APP, "--host", "127.0.0.1", "--port", str(port)]
    worker = {"gunicorn": "uvicorn_worker.UvicornWorker", "guide": "uvicorn.workers.UvicornWorker"}
    return [str(BIN / "gunicorn"), APP, "-w", "2", "-k", worker[manager], "--bind", bind]


def start(argv: list[str], environ: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SHUSAI_")}
    env["HOME"] = str(log.parent)  # gunicorn puts its control socket there: one per test
    with log.open("wb") as out:
        return subprocess.Popen(
            argv,
            env={**env, **environ},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def end(process: subprocess.Popen[bytes]) -> int:
    """SIGTERM, as a service manager stops it; its whole process group killed if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise


def health(base: str) -> dict | None:
    try:
        answer = httpx.get(f"{base}/health", timeout=5)
    except httpx.TransportError:
        return None
    return answer.json() if answer.status_code == 200 else None


@pytest.mark.parametrize("manager", ["gunicorn", "guide", "uvicorn"])
def test_the_asgi_app_is_served_from_the_environment(
    manager: str, environ: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    server = start(command(manager, port), environ, log)
    try:
        answered = wait_for(lambda: health(f"http://127.0.0.1:{port}"), 60, "/health")
        assert answered["status"] == "healthy" and answered["database"] == "connected"
        spec = httpx.get(f"http://127.0.0.1:{port}/api/openapi.json", timeout=5)
        assert spec.json()["info"]["title"] == "ShutterSense coordinator"
    except AssertionError as exc:
        end(server)
        raise AssertionError(f"{exc}\n{log.read_text(errors='replace')}") from None
    # uvicorn ends by the signal it was stopped with, once it has shut down cleanly
    assert end(server) in (0, -signal.SIGTERM), log.read_text(errors="replace")
    assert (Path(environ["SHUSAI_LOG_DIR"]) / "coordinator.log").is_file()  # its settings


def test_weak_settings_stop_gunicorn_naming_every_variable(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    environ = {"SHUSAI_ENV": "production", "SESSION_SECRET_KEY": "short"}
    server = start(command("gunicorn", free_port()), environ, log)
    try:
        assert server.wait(timeout=60) != 0  # gunicorn halts when a worker cannot boot
    finally:
        end(server)
    said = log.read_text(errors="replace")
    for variable in ("SHUSAI_DB_URL", "SHUSAI_MASTER_KEY", "SESSION_SECRET_KEY", "JWT_SECRET_KEY"):
        assert f"{variable}: " in said, said


def test_production_without_a_metrics_token_is_warned_about_as_serve_does(
    migrated_pg_url: str | None, tmp_path: Path
) -> None:
    if migrated_pg_url is None:
        postgres_missing()
    environ = {
        "SHUSAI_ENV": "production",
        "SHUSAI_DB_URL": migrated_pg_url,
        "SHUSAI_MASTER_KEY": Fernet.generate_key().decode(),
        "SESSION_SECRET_KEY": "s" * 40,
        "JWT_SECRET_KEY": "j" * 40,
        "SHUSAI_DATA_DIR": str(tmp_path / "data"),
        "SHUSAI_LOG_DIR": str(tmp_path / "logs"),
    }
    port, log = free_port(), tmp_path / "server.log"
    server = start(command("uvicorn", port), environ, log)
    try:
        wait_for(lambda: health(f"http://127.0.0.1:{port}"), 60, "/health")
    finally:
        end(server)
    assert log.read_text(errors="replace").count("SHUSAI_METRICS_TOKEN is not set") == 1
