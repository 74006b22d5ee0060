"""What the offline store keeps, handed over to another coordinator when the agent moves."""

from __future__ import annotations

import json
import sqlite3
import uuid
from typing import Any

from .offline_schema import stamp

__all__ = ["move_to_new_coordinator"]


def move_to_new_coordinator(db: sqlite3.Connection) -> int:
    """This agent now works for another coordinator (solo mode to a team, or back): what the
    store `db` keeps for the old one goes to the new one as results of its folders. Jobs'
    results, and the results among an audit's outcomes, become uploads (their claims and
    collections meant nothing there); a no-change refers to a result the new one does not
    have, and a failure is the old one's business, so they go. Returns how many results will
    go."""
    moved = 0
    db.execute("BEGIN IMMEDIATE")
    try:
        rows = db.execute(
            "SELECT key, kind, body, root_path, collection_name FROM pending"
            " WHERE state = 'pending'"
        ).fetchall()
        for key, kind, body, root_path, name in rows:
            if kind == "audit" and root_path is not None:
                moved += _audit_as_uploads(db, json.loads(body), root_path, name)
            if kind in ("no-change", "audit") or root_path is None:
                db.execute("DELETE FROM pending WHERE key = ?", (key,))
                continue
            kept = {k: v for k, v in json.loads(body).items() if k != "signature"}
            db.execute(
                "UPDATE pending SET kind = 'upload', job_guid = NULL, claim_token = NULL,"
                " collection_guid = NULL, body = ? WHERE key = ?",
                (json.dumps(kept), key),
            )
            moved += 1
    except sqlite3.Error:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return moved


def _audit_as_uploads(
    db: sqlite3.Connection, body: dict[str, Any], root_path: str, name: str | None
) -> int:
    """An audit's results as uploads of its folder, in its order (within a transaction)."""
    made = 0
    for tool, outcome in zip(body.get("tools", []), body["outcomes"], strict=False):
        if outcome.get("kind") != "complete":
            continue
        kept = {k: outcome[k] for k in ("result", "input_state_hash") if k in outcome}
        db.execute(
            "INSERT INTO pending (key, kind, root_path, collection_name, tool, body,"
            " created_at) VALUES (?, 'upload', ?, ?, ?, ?, ?)",
            (f"run-{uuid.uuid4().hex}", root_path, name, tool, json.dumps(kept), stamp()),
        )
        made += 1
    return made
