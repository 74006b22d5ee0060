"""Public identifiers: `prefix_` + 26 lowercase Crockford base32 characters of a UUIDv7.

UUIDv7 starts with the creation time in milliseconds, so GUIDs sort by age and index well.
Integer primary keys stay inside the database; APIs, URLs and the UI only ever see GUIDs.
"""

from __future__ import annotations

import os
import re
import time

__all__ = ["PREFIXES", "is_guid", "new_guid", "uuid7_bytes"]

PREFIXES = frozenset(
    {"ten", "usr", "tok", "agt", "rgt", "col", "pip", "job", "adt", "res", "sub", "aud", "upl"}
)
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_GUID = re.compile(r"([a-z]{3})_([0-9abcdefghjkmnpqrstvwxyz]{26})")


def uuid7_bytes() -> bytes:
    """16 bytes of a version-7 UUID: 48-bit Unix milliseconds, version, variant, random bits."""
    millis = time.time_ns() // 1_000_000
    value = (millis & ((1 << 48) - 1)) << 80 | int.from_bytes(os.urandom(10), "big")
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    return value.to_bytes(16, "big")


def _base32(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    chars = []
    for _ in range(26):  # 130 bits: the top two are always zero
        chars.append(_ALPHABET[number & 31])
        number >>= 5
    return "".join(reversed(chars))


def new_guid(prefix: str) -> str:
    """A new GUID such as `job_01jd…`; `prefix` must be one of PREFIXES."""
    if prefix not in PREFIXES:
        raise ValueError(f"unknown GUID prefix {prefix!r}")
    return f"{prefix}_{_base32(uuid7_bytes())}"


def is_guid(value: str, prefix: str) -> bool:
    """Whether `value` is shaped like a GUID of this prefix (it may still not exist)."""
    match = _GUID.fullmatch(value)
    return match is not None and match.group(1) == prefix
