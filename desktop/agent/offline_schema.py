"""The offline store's file: its tables, its schema version, and opening it.

The file carries its schema version (SQLite's `user_version`). Stores made before versioning
(version 0 with the tables of version 1) are stamped 1 as they are; a later version adds its
step to `_UPGRADES`. A store written by a newer agent is refused, not altered.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from .errors import AgentError

__all__ = ["SCHEMA_VERSION", "open_store_file", "stamp"]

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pending (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    job_guid TEXT,
    claim_token TEXT,
    collection_guid TEXT,
    root_path TEXT,
    collection_name TEXT,
    tool TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    last_error TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cache (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    fetched_at TEXT NOT NULL
);
"""

# Version reached -> the statements that reach it from the one before. Version 1 is `_SCHEMA`
# itself: the stores made before versioning hold exactly its tables, with rows of the kinds
# `complete`, `no-change` and `upload`, and, from agents that claim audits, `audit` rows (tool
# `audit`, the body holding `audit_guid`, `jobs`, `outcomes`, and from this version on `tools`,
# with the collection's folder and name in their columns); an older row lacking the folder is
# still sent, but cannot follow a new registration.
_UPGRADES: dict[int, str] = {1: _SCHEMA}


def stamp() -> str:
    """Now, as the store's `created_at` and `fetched_at` columns hold it."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def open_store_file(path: Path) -> sqlite3.Connection:
    """The store's database at `path` (made, with its folder and the folder of its `sending/`
    locks, if need be), brought to SCHEMA_VERSION; AgentError when it cannot be opened or a
    newer ShutterSense wrote it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        (path.parent / "sending").mkdir(exist_ok=True, mode=0o700)
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        _upgrade(db, path)
    except (sqlite3.Error, OSError) as exc:
        raise AgentError(f"cannot open the offline store {path}: {exc}") from None
    return db


def _upgrade(db: sqlite3.Connection, path: Path) -> None:
    """Bring the file to SCHEMA_VERSION, one step per transaction (another process may be
    opening it too: each step reads the version under the write lock); refuse a newer one."""
    while True:
        db.execute("BEGIN IMMEDIATE")
        try:
            found = db.execute("PRAGMA user_version").fetchone()[0]
            if found < SCHEMA_VERSION:
                for statement in filter(str.strip, _UPGRADES[found + 1].split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {found + 1}")
        except sqlite3.Error:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        if found + 1 >= SCHEMA_VERSION:
            break
    if found > SCHEMA_VERSION:
        db.close()
        raise AgentError(
            f"the offline store {path} was written by a newer ShutterSense (schema "
            f"{found}, this one knows {SCHEMA_VERSION}): update ShutterSense; the results "
            "it keeps are left untouched"
        )
