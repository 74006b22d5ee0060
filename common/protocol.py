"""What agent and coordinator must compute alike: the signature of a completed job's result.

A claim hands the agent a per-claim secret; the agent signs what it sends back, and the
coordinator checks the signature before storing anything, so a result cannot be forged or
altered on the way without the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["canonical_json", "canonical_signature_matches", "result_signature", "signature_matches"]


def canonical_json(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _signature(secret: str, job_guid: str, input_state_hash: str | None, canonical: bytes) -> str:
    message = b"\n".join((job_guid.encode(), (input_state_hash or "").encode(), canonical))
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def result_signature(
    secret: str, job_guid: str, input_state_hash: str | None, result: Mapping[str, Any]
) -> str:
    """HMAC-SHA256 (hex) of `job_guid`, the input-state hash and the canonical result JSON."""
    return _signature(secret, job_guid, input_state_hash, canonical_json(result))


def canonical_signature_matches(
    secret: str, job_guid: str, input_state_hash: str | None, canonical: bytes, signature: str
) -> bool:
    """`signature_matches` for a result given as its `canonical_json` already."""
    expected = _signature(secret, job_guid, input_state_hash, canonical)
    return hmac.compare_digest(expected, signature)


def signature_matches(
    secret: str,
    job_guid: str,
    input_state_hash: str | None,
    result: Mapping[str, Any],
    signature: str,
) -> bool:
    """Constant-time check of a signature made by `result_signature`."""
    canonical = canonical_json(result)
    return canonical_signature_matches(secret, job_guid, input_state_hash, canonical, signature)
