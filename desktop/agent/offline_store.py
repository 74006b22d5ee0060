"""The agent's local SQLite store: results waiting for the coordinator, and cached answers.

A result is written here (synchronously, to disk) before it is sent, and removed only once the
coordinator has it; so killing the agent at any point loses nothing. Claim tokens are kept
encrypted (Fernet, key in the key store). Results themselves are the user's own data about
the user's own files and stay readable for inspection.

Several processes share the store (the running agent, `sync`, `run`), so a result is sent only
under `sending(key)`: a lock file per result in `sending/` beside the database, taken without
waiting. Whoever holds it sends the result and removes it; the others skip it. A process that
dies while sending drops its lock with it, and the next pass sends the result again.

The file, its schema and its versions: offline_schema.py.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cryptography.fernet import Fernet, InvalidToken

from .offline_handover import move_to_new_coordinator
from .offline_schema import open_store_file, stamp
from .private_files import held_if_free

__all__ = ["OfflineStore", "PendingResult"]

Kind = Literal["complete", "no-change", "upload", "audit"]

_SELECT = (
    "SELECT key, kind, tool, body, job_guid, claim_token, collection_guid, root_path,"
    " collection_name, last_error FROM pending"
)


@dataclass(frozen=True)
class PendingResult:
    """A result made but not yet accepted. Jobs' results go to `complete`/`no-change` with
    their claim token, an audit's outcomes (`audit`: the body holds `audit_guid`, `jobs` and
    `outcomes`) to the audit's `complete` with its claim token; results of local runs are
    uploaded with `key` as idempotency key."""

    key: str
    kind: Kind
    tool: str
    body: dict[str, Any]
    job_guid: str | None
    claim_token: str | None
    collection_guid: str | None
    root_path: str | None
    collection_name: str | None
    last_error: str | None


class OfflineStore:
    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self._fernet = Fernet(key)
        self._db = open_store_file(path)

    def close(self) -> None:
        self._db.close()

    def add_job_result(
        self,
        kind: Kind,
        job_guid: str,
        claim_token: str,
        tool: str,
        body: dict[str, Any],
        *,
        root_path: str | None = None,
        collection_name: str | None = None,
    ) -> str:
        """Keep a job's completion (body without the claim token) until the coordinator has it;
        its collection's folder and name let it go to another coordinator if need be. The
        runner keeps audits (`add_audit_outcomes`); stores written by agents older than audits
        hold such rows, which `sync` still sends."""
        key = f"job-{job_guid}-{uuid.uuid4().hex[:8]}"
        sealed = self._fernet.encrypt(claim_token.encode()).decode()
        self._db.execute(
            "INSERT INTO pending (key, kind, job_guid, claim_token, root_path, collection_name,"
            " tool, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key,
                kind,
                job_guid,
                sealed,
                root_path,
                collection_name,
                tool,
                json.dumps(body),
                stamp(),
            ),
        )
        return key

    def add_audit_outcomes(
        self,
        audit_guid: str,
        claim_token: str,
        collection_guid: str | None,
        outcomes: list[tuple[str, dict[str, Any]]],
        *,
        root_path: str | None,
        collection_name: str | None,
    ) -> str:
        """Keep the outcomes of a claimed audit's jobs (one each, with its tool) until the
        coordinator has them: they are sent together, once. The collection's folder and name
        let the results go to another coordinator if need be."""
        key = f"audit-{audit_guid}-{uuid.uuid4().hex[:8]}"
        sealed = self._fernet.encrypt(claim_token.encode()).decode()
        body = {
            "audit_guid": audit_guid,
            "jobs": [outcome["job_guid"] for _, outcome in outcomes],
            "tools": [tool for tool, _ in outcomes],
            "outcomes": [outcome for _, outcome in outcomes],
        }
        self._db.execute(
            "INSERT INTO pending (key, kind, claim_token, collection_guid, root_path,"
            " collection_name, tool, body, created_at) VALUES (?, 'audit', ?, ?, ?, ?, 'audit',"
            " ?, ?)",
            (
                key,
                sealed,
                collection_guid,
                root_path,
                collection_name,
                json.dumps(body),
                stamp(),
            ),
        )
        return key

    def move_to_new_coordinator(self) -> int:
        """What this store keeps goes to the coordinator the agent now works for; how many
        results will go (offline_handover.py says which)."""
        return move_to_new_coordinator(self._db)

    def add_local_result(
        self,
        tool: str,
        body: dict[str, Any],
        *,
        collection_guid: str | None,
        root_path: str,
        collection_name: str,
    ) -> str:
        """Keep a local run's result; `body` holds result and input-state hash."""
        key = f"run-{uuid.uuid4().hex}"
        self._db.execute(
            "INSERT INTO pending (key, kind, collection_guid, root_path, collection_name, tool,"
            " body, created_at) VALUES (?, 'upload', ?, ?, ?, ?, ?, ?)",
            (key, collection_guid, root_path, collection_name, tool, json.dumps(body), stamp()),
        )
        return key

    def get(self, key: str) -> PendingResult | None:
        row = self._db.execute(f"{_SELECT} WHERE key = ?", (key,)).fetchone()
        return None if row is None else self._pending(row)

    def pending_keys(self) -> list[str]:
        """The keys of the results waiting to be sent, oldest first."""
        rows = self._db.execute(
            "SELECT key FROM pending WHERE state = 'pending' ORDER BY created_at, rowid"
        )
        return [row[0] for row in rows]

    @contextmanager
    def sending(self, key: str) -> Iterator[PendingResult | None]:
        """The result `key`, for this caller alone to send and settle within the block; None
        when another process or thread is sending it, or it is no longer waiting."""
        # Keys hold a job GUID from the coordinator: the file is named by a digest, never by it.
        name = hashlib.sha256(key.encode()).hexdigest()[:32]
        with held_if_free(self.path.parent / "sending" / f"{name}.lock") as held:
            row = None
            if held:
                row = self._db.execute(
                    f"{_SELECT} WHERE key = ? AND state = 'pending'", (key,)
                ).fetchone()
            yield None if row is None else self._pending(row)

    def pending(self) -> list[PendingResult]:
        rows = self._db.execute(
            f"{_SELECT} WHERE state = 'pending' ORDER BY created_at, rowid"
        ).fetchall()
        return [self._pending(row) for row in rows]

    def _token(self, sealed: str | None) -> str | None:
        """The claim token; None when sealed with a key this store no longer has (the key store
        was reset): sync then sets the result aside instead of failing on it every pass."""
        try:
            return self._fernet.decrypt(sealed.encode()).decode() if sealed else None
        except InvalidToken:
            return None

    def _pending(self, row: tuple[Any, ...]) -> PendingResult:
        return PendingResult(
            key=row[0],
            kind=row[1],
            tool=row[2],
            body=json.loads(row[3]),
            job_guid=row[4],
            claim_token=self._token(row[5]),
            collection_guid=row[6],
            root_path=row[7],
            collection_name=row[8],
            last_error=row[9],
        )

    def set_collection(self, root_path: str, guid: str) -> None:
        """Results kept for a folder that had no collection yet now belong to `guid`."""
        self._db.execute(
            "UPDATE pending SET collection_guid = ?"
            " WHERE root_path = ? AND collection_guid IS NULL",
            (guid, root_path),
        )

    def remove(self, key: str) -> None:
        self._db.execute("DELETE FROM pending WHERE key = ?", (key,))

    def note_error(self, key: str, error: str) -> None:
        self._db.execute("UPDATE pending SET last_error = ? WHERE key = ?", (error, key))

    def reject(self, key: str, error: str) -> None:
        """The coordinator will never take this one: keep it for inspection, stop sending it."""
        self._db.execute(
            "UPDATE pending SET state = 'rejected', last_error = ? WHERE key = ?", (error, key)
        )

    def counts(self) -> dict[str, int]:
        found = dict(self._db.execute("SELECT state, count(*) FROM pending GROUP BY state"))
        return {"pending": found.get("pending", 0), "rejected": found.get("rejected", 0)}

    def kept_jobs(self, limit: int = 50) -> list[str]:
        """The jobs whose result is kept to be sent (not those set aside), oldest first: a
        job's own, or one of a kept audit's."""
        rows = self._db.execute(
            "SELECT guid FROM ("
            " SELECT job_guid AS guid, created_at, rowid AS sequence FROM pending"
            " WHERE job_guid IS NOT NULL AND state != 'rejected'"
            " UNION ALL"
            " SELECT jobs.value, pending.created_at, pending.rowid FROM pending,"
            " json_each(pending.body, '$.jobs') AS jobs"
            " WHERE pending.kind = 'audit' AND pending.state != 'rejected'"
            ") GROUP BY guid ORDER BY min(created_at), min(sequence) LIMIT ?",
            (limit,),
        )
        return [guid for (guid,) in rows]

    def cache_put(self, name: str, value: Any) -> None:
        self._db.execute(
            "INSERT INTO cache (name, value, fetched_at) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET value = excluded.value,"
            " fetched_at = excluded.fetched_at",
            (name, json.dumps(value), stamp()),
        )

    def cache_get(self, name: str) -> Any | None:
        row = self._db.execute("SELECT value FROM cache WHERE name = ?", (name,)).fetchone()
        return None if row is None else json.loads(row[0])
