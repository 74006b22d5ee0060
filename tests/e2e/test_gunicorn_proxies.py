"""Under gunicorn with our worker class (README, "Under gunicorn"), X-Forwarded-For is believed
from SHUSAI_TRUSTED_PROXIES only, with `serve`'s default: a client on the same machine cannot
name itself anew to escape the sign-in rate limit unless loopback is a trusted proxy. Another
worker class is warned about at start. A real gunicorn on 127.0.0.1, both databases."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from benchmarks.coordinator_load import GUNICORN_WORKER, start_coordinator
from tests.coordinator.test_client_address import failed_logins

LIMITED = [401] * 10 + [429]  # counted as one client: 127.0.0.1
NOT_LIMITED = [401] * 11  # counted as eleven: the forwarded addresses


@contextlib.contextmanager
def gunicorn(
    environ: dict[str, str], folder: Path, trusted: str | None, worker_class: str
) -> Iterator[httpx.Client]:
    """gunicorn on 127.0.0.1 with SHUSAI_TRUSTED_PROXIES `trusted` (None: unset)."""
    env = {**os.environ, **environ}
    env.pop("SHUSAI_TRUSTED_PROXIES", None)
    if trusted is not None:
        env["SHUSAI_TRUSTED_PROXIES"] = trusted
    server, base = start_coordinator(env, folder, 1, "gunicorn", worker_class)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            yield client
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.parametrize(
    ("trusted", "statuses"),
    [
        ("", LIMITED),  # no one
        ("10.0.0.1", LIMITED),  # another proxy, not loopback
        ("127.0.0.1", NOT_LIMITED),
        (None, NOT_LIMITED),  # serve's default for a loopback bind: loopback
    ],
)
def test_forwarded_for_is_believed_from_the_trusted_proxies_only(
    environ: dict[str, str], tmp_path: Path, trusted: str | None, statuses: list[int]
) -> None:
    with gunicorn(environ, tmp_path, trusted, GUNICORN_WORKER) as client:
        assert failed_logins(client, lambda n: f"203.0.113.{n}") == statuses


def test_another_worker_class_is_warned_about(environ: dict[str, str], tmp_path: Path) -> None:
    with gunicorn(environ, tmp_path, "", "uvicorn_worker.UvicornWorker") as client:
        assert client.get("/health").status_code == 200
    warning = f"start gunicorn with -k {GUNICORN_WORKER}"
    assert warning in (tmp_path / "server.log").read_text()
    # Our own worker: no such warning.
    (tmp_path / "ours").mkdir()
    with gunicorn(environ, tmp_path / "ours", "", GUNICORN_WORKER) as client:
        assert client.get("/health").status_code == 200
    assert warning not in (tmp_path / "ours" / "server.log").read_text()
