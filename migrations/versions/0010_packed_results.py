"""Results whose JSON is larger than 256 KiB are stored gzip-compressed, as
`{"$gzip": "<base64>"}` in the same JSON column (coordinator/models/packed_json.py): the ones
already there are packed now, a few at a time. A downgrade unpacks them.

The format is written out here rather than imported, so this revision keeps doing what it did
whatever the models become.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 11:00:00.000000
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_ABOVE = 256 * 1024
_KEY = "$gzip"
_BATCH = 20  # rows held in memory at once: each may be megabytes

_results = sa.table(
    "results",
    sa.column("id", sa.Integer()),
    sa.column("results_json", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")),
)


def _compact(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _packed(value: Any) -> Any:
    data = _compact(value)
    if len(data) <= _ABOVE:
        return value
    return {_KEY: base64.b64encode(gzip.compress(data, compresslevel=6, mtime=0)).decode()}


def _unpacked(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1 and _KEY in value:
        return json.loads(gzip.decompress(base64.b64decode(value[_KEY])))
    return value


def _rewrite(where: str, change: Callable[[Any], Any]) -> None:
    """Apply `change` to the JSON of the results that `where` (SQL) picks, a batch at a time."""
    connection = op.get_bind()
    ids = list(connection.execute(sa.text(f"SELECT id FROM results WHERE {where}")).scalars())  # noqa: S608
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        rows = connection.execute(
            sa.select(_results.c.id, _results.c.results_json).where(_results.c.id.in_(batch))
        )
        for row_id, value in list(rows):
            changed = change(value)
            if changed is not value:
                connection.execute(
                    _results.update().where(_results.c.id == row_id).values(results_json=changed)
                )


def _text(dialect: str) -> str:
    return "results_json::text" if dialect == "postgresql" else "CAST(results_json AS TEXT)"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # Bytes of the stored text: a little more than the compact JSON on PostgreSQL, whose text
    # has spaces; _packed measures again.
    size = (
        "octet_length(results_json::text)"
        if dialect == "postgresql"
        else "length(CAST(results_json AS BLOB))"
    )
    _rewrite(f"{size} > {_ABOVE}", _packed)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    prefix = '{"$gzip": %' if dialect == "postgresql" else '{"$gzip":%'
    _rewrite(f"{_text(dialect)} LIKE '{prefix}'", _unpacked)
