"""Engine and session factory for the configured database (PostgreSQL, or embedded SQLite)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from .errors import DatabaseDamaged, DatabaseUnreachable

__all__ = ["check_database", "damage_named", "make_engine", "make_session_factory"]

_CONNECT_TIMEOUT = 10  # seconds: a firewall that drops packets would otherwise hang for minutes
# SQLite's answers for a file that is not a database and for one whose pages are damaged.
_DAMAGED = (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for `url`; SQLite gets foreign keys, WAL and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Connections above pool_size are closed on return and opened anew, a PostgreSQL process
    # each time: the pool holds enough for a busy worker. 4 workers stay within the server's
    # default 100 connections.
    options = {"pool_size": 20, "max_overflow": 5, **options}
    return create_engine(url, pool_pre_ping=True, **options)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def _reason(exc: OperationalError, password: str | None) -> str:
    """The driver's own words, first line only: after its last "failed:", without "FATAL:"."""
    lines = str(exc.orig).strip().splitlines() or ["no reason given"]
    reason = lines[0].rsplit(" failed: ", 1)[-1].removeprefix("FATAL:").strip()
    return reason.replace(password, "***") if password else reason


@contextmanager
def damage_named(url: str) -> Iterator[None]:
    """Within it, SQLite's "file is not a database" or "database disk image is malformed" on
    `url` becomes DatabaseDamaged, naming the file and what to do, instead of a traceback."""
    try:
        yield
    except DatabaseError as exc:
        if getattr(exc.orig, "sqlite_errorcode", None) not in _DAMAGED:
            raise
        path = make_url(url).database
        raise DatabaseDamaged(
            f"the SQLite database {path} is damaged or is not a database ({exc.orig}); it was "
            "left as it is. Stop the coordinator, move the file away (with its -wal and -shm "
            "files, if there are any) and restore it from your latest backup; or, to start "
            "afresh with an empty database, run `shuttersense-coordinator migrate` once it is "
            "moved away"
        ) from None


def check_database(url: str) -> None:
    """Connect to `url` once; DatabaseUnreachable when that fails, naming the server (never the
    password) and what to check; DatabaseDamaged for a SQLite file that is not a database."""
    where = make_url(url)
    sqlite = where.get_backend_name() == "sqlite"
    options: dict[str, Any] = {}
    if not sqlite:
        connect_args = {"connect_timeout": _CONNECT_TIMEOUT}
        options = {"pool_size": 1, "max_overflow": 0, "connect_args": connect_args}
    engine = make_engine(url, **options)
    try:
        with damage_named(url), engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        reason = _reason(exc, where.password)
        if sqlite:
            raise DatabaseUnreachable(
                f"cannot open the SQLite database {where.database}: {reason}; check that its "
                "folder exists and that this user may write there (SHUSAI_DB_URL, SHUSAI_DATA_DIR)"
            ) from None
        server = f"{where.host}:{where.port or 5432}" if where.host else "(local socket)"
        raise DatabaseUnreachable(
            f"cannot connect to the database server {server} "
            f"(database {where.database}, user {where.username}): {reason}; check that "
            "PostgreSQL runs there and lets this machine in (listen_addresses, pg_hba.conf, "
            "firewall) and that SHUSAI_DB_URL is right"
        ) from None
    finally:
        engine.dispose()
