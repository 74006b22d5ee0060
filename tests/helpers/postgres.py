"""A PostgreSQL server for the tests: SHUSAI_TEST_PG_URL when set, otherwise a throwaway one.

The throwaway server is made with the installed binaries (`pg_config --bindir`) in a temporary
folder, on a free loopback port, and stopped at the end. As root, initdb and the server run as the
`postgres` user, since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import pytest

from tests.helpers.live_server import free_port

__all__ = ["postgres_missing", "postgres_server", "server_binaries"]


def postgres_missing() -> NoReturn:
    """End a test that needs PostgreSQL when there is none: skipped on a developer's machine, a
    failure where SHUSAI_REQUIRE_PG=1 (CI), so CI can never pass without running it."""
    if os.environ.get("SHUSAI_REQUIRE_PG") == "1":
        pytest.fail("PostgreSQL is required (SHUSAI_REQUIRE_PG=1) but none is available")
    pytest.skip("no PostgreSQL here: install it or set SHUSAI_TEST_PG_URL")


def server_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    pg_config = shutil.which("pg_config")
    if pg_config:
        folder = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if folder and (Path(folder) / "initdb").exists():
            return Path(folder)
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def postgres_server() -> Iterator[str | None]:
    """Yield the URL of a database the tests may connect to and create databases from, or None
    when there is no PostgreSQL at all."""
    configured = os.environ.get("SHUSAI_TEST_PG_URL")
    if configured:
        yield configured.replace("postgresql://", "postgresql+psycopg://", 1)
        return
    binaries = server_binaries()
    if binaries is None:
        yield None
        return
    base = Path(tempfile.mkdtemp(prefix="shuttersense-pg-"))
    base.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    data, port = base / "data", free_port()
    run = {"check": True, "capture_output": True}
    subprocess.run(
        _as_postgres(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
            ]
        ),
        **run,
    )
    options = (
        f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    )
    subprocess.run(
        _as_postgres(
            [
                str(binaries / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(base / "log"),
                "-w",
                "-o",
                options,
                "start",
            ]
        ),
        **run,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)
