"""The coordinator's databases and settings for every coordinator and end-to-end test.

A test that takes `db_url` runs twice. PostgreSQL comes from SHUSAI_TEST_PG_URL or a throwaway
server (tests/helpers/postgres.py). Without PostgreSQL those runs are skipped, except when
SHUSAI_REQUIRE_PG=1 (as in CI), where a missing server is an error.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from shuttersense.coordinator.migrate import upgrade
from shuttersense.coordinator.models import Base
from shuttersense.coordinator.settings import Settings, load_settings
from tests.helpers.postgres import postgres_missing, postgres_server

__all__ = [
    "db_url",
    "empty_db_url",
    "migrated_pg_url",
    "pg_admin_url",
    "pg_databases",
    "sqlite_template",
]


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str | None]:
    with postgres_server() as url:
        yield url


def _require_pg(admin_url: str | None) -> str:
    if admin_url is None:
        postgres_missing()
    return admin_url


class PgDatabases:
    """Creates and drops uniquely named databases on one server."""

    def __init__(self, admin_url: str) -> None:
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.url = make_url(admin_url)
        self.created: list[str] = []

    def create(self) -> str:
        name = f"shuttersense_test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_databases(pg_admin_url: str | None) -> Iterator[PgDatabases | None]:
    if pg_admin_url is None:
        yield None
        return
    databases = PgDatabases(pg_admin_url)
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def migrated_pg_url(pg_databases: PgDatabases | None) -> str | None:
    if pg_databases is None:
        return None
    url = pg_databases.create()
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "coordinator.db"
    upgrade(f"sqlite:///{path}")
    return path


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    pg_admin_url: str | None,
    migrated_pg_url: str | None,
) -> str:
    """A migrated, empty database of each kind, fresh for every test."""
    if request.param == "sqlite":
        path = tmp_path / "coordinator.db"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite:///{path}"
    _require_pg(pg_admin_url)
    assert migrated_pg_url is not None
    _truncate_all(migrated_pg_url)
    return migrated_pg_url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    pg_admin_url: str | None,
    pg_databases: PgDatabases | None,
) -> str:
    """A database without any table, of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    _require_pg(pg_admin_url)
    assert pg_databases is not None
    return pg_databases.create()


@pytest.fixture
def environ(tmp_path: Path, db_url: str) -> dict[str, str]:
    """A development environment on `db_url`, with its data and logs under tmp_path."""
    return {
        "SHUSAI_DB_URL": db_url,
        "SHUSAI_DATA_DIR": str(tmp_path / "data"),
        "SHUSAI_LOG_DIR": str(tmp_path / "logs"),
    }


@pytest.fixture
def settings(environ: dict[str, str]) -> Settings:
    return load_settings(environ)
