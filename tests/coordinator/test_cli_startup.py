"""The operator's first tries with the real `shuttersense-coordinator` command: weak settings, an
unreachable database and a damaged SQLite file end in plain lines on stderr and exit 2, never a
traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.helpers.live_server import free_port

COORDINATOR = str(Path(sys.executable).with_name("shuttersense-coordinator"))
PASSWORD = "hunter2-not-for-logs"


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("SHUSAI_")}
    clean.update(SHUSAI_DATA_DIR=str(tmp_path / "data"), SHUSAI_LOG_DIR=str(tmp_path / "logs"))
    return subprocess.run(
        [COORDINATOR, *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_names_every_missing_or_weak_setting_in_one_go(tmp_path: Path) -> None:
    done = run(
        tmp_path,
        "migrate",
        SHUSAI_ENV="production",
        SHUSAI_MASTER_KEY="not-a-fernet-key",
        SESSION_SECRET_KEY="short",
        SESSION_HTTPS_ONLY="maybe",
        SHUSAI_LOG_LEVEL="LOUD",
    )
    assert done.returncode == 2 and done.stdout == ""
    assert "Traceback" not in done.stderr
    header, *lines = done.stderr.splitlines()
    assert (
        header == "shuttersense-coordinator: error: 6 settings need fixing before anything starts:"
    )
    assert lines == [
        "  SHUSAI_DB_URL: is required in production (PostgreSQL URL)",
        "  SHUSAI_MASTER_KEY: is not a valid Fernet key (see generate-secrets)",
        "  SESSION_SECRET_KEY: must be at least 32 characters, not 5",
        "  JWT_SECRET_KEY: is required in production (see generate-secrets)",
        "  SESSION_HTTPS_ONLY: expected true or false, got 'maybe'",
        "  SHUSAI_LOG_LEVEL: must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
    ]


@pytest.mark.parametrize(
    "command", [["migrate"], ["serve", "--port", "0"], ["create-registration-token"]]
)
def test_an_unreachable_database_is_one_line_naming_the_server_not_the_password(
    tmp_path: Path, command: list[str]
) -> None:
    port = free_port()  # nothing listens there
    done = run(
        tmp_path,
        *command,
        SHUSAI_ENV="production",
        SHUSAI_DB_URL=f"postgresql://shutter:{PASSWORD}@127.0.0.1:{port}/shuttersense",
        SHUSAI_MASTER_KEY=Fernet.generate_key().decode(),
        SESSION_SECRET_KEY="s" * 32,
        JWT_SECRET_KEY="j" * 32,
    )
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith(
        f"shuttersense-coordinator: error: cannot connect to the database server 127.0.0.1:{port}"
        " (database shuttersense, user shutter): Connection refused; check that PostgreSQL runs"
    )
    assert PASSWORD not in done.stderr + done.stdout
    assert "SHUSAI_DB_URL" in line


def test_a_sqlite_file_that_cannot_be_opened_is_named(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    done = run(tmp_path, "migrate", SHUSAI_DB_URL=f"sqlite:///{blocked}/coordinator.db")
    assert done.returncode == 2
    assert f"cannot open the SQLite database {blocked}/coordinator.db" in done.stderr
    assert "Traceback" not in done.stderr


def assert_damage_named(
    done: subprocess.CompletedProcess[str], database: Path, reason: str
) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    [line] = [line for line in done.stderr.splitlines() if " INFO " not in line]
    assert line.startswith(
        f"shuttersense-coordinator: error: the SQLite database {database} is damaged or is not a "
        f"database ({reason}); it was left as it is."
    )
    assert "move the file away" in line and "restore it from your latest backup" in line


@pytest.mark.parametrize("command", [["migrate"], ["serve", "--port", "0"]])
def test_a_file_of_random_bytes_as_the_database_is_named_and_left_alone(
    tmp_path: Path, command: list[str]
) -> None:
    database = tmp_path / "data" / "coordinator.db"
    database.parent.mkdir()
    garbage = os.urandom(64 * 1024)
    database.write_bytes(garbage)
    done = run(tmp_path, *command)
    assert_damage_named(done, database, "file is not a database")
    assert database.read_bytes() == garbage


def test_a_damaged_page_that_the_migrations_read_is_named(tmp_path: Path) -> None:
    database = tmp_path / "data" / "coordinator.db"
    assert run(tmp_path, "migrate").returncode == 0
    with closing(sqlite3.connect(database)) as connection:
        [page_size] = connection.execute("PRAGMA page_size").fetchone()
        [page] = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'alembic_version'"
        ).fetchone()
    with database.open("r+b") as file:  # the header and the schema stay readable
        file.seek((page - 1) * page_size)
        file.write(b"\xff" * page_size)
    done = run(tmp_path, "migrate")
    assert_damage_named(done, database, "database disk image is malformed")
