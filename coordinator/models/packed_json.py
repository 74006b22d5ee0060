"""A JSON column whose large values are stored gzip-compressed.

A value whose compact JSON is larger than PACK_ABOVE is written as `{"$gzip": "<base64 of the
gzip of that JSON>"}`; reading unpacks it, so the services see the value they stored. Smaller
values, and every row written before, are stored and read as plain JSON. The column stays JSON
(JSONB on PostgreSQL): no table is copied to adopt it, and both databases keep one shape.

Why: a Pipeline Validation result of a million-file collection is megabytes of JSON that gzip
shrinks about fourfold (docs/performance.md); base64 gives back a third of that, which is the
price of keeping the column JSON on PostgreSQL.
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

from sqlalchemy import JSON, Dialect
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = ["PACKED_KEY", "PACK_ABOVE", "PackedJson", "pack", "unpack"]

PACK_ABOVE = 256 * 1024  # bytes of compact JSON
PACKED_KEY = "$gzip"  # no result has such a key: theirs are identifiers


def pack(value: Any, above: int = PACK_ABOVE) -> Any:
    """`value` as it is stored: itself, or packed when its JSON is larger than `above` bytes.
    A value packed already (by the parsing process: parse_pool.py) is stored as it is."""
    if value is None or _packed(value):
        return value
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    if len(data) <= above:
        return value
    packed = base64.b64encode(gzip.compress(data, compresslevel=6, mtime=0)).decode("ascii")
    return {PACKED_KEY: packed}


def _packed(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and PACKED_KEY in value


def unpack(value: Any) -> Any:
    """The value stored by `pack`, as it was given to it."""
    if _packed(value):
        return json.loads(gzip.decompress(base64.b64decode(value[PACKED_KEY])))
    return value


class PackedJson(TypeDecorator[Any]):
    """JSON (JSONB on PostgreSQL) that packs large values; see the module docstring."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return pack(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return unpack(value)
