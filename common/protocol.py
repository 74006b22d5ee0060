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

__all__ = ["canonical_json", "result_signature", "signature_matches"]


def canonical_json(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _message(job_guid: str, input_state_hash: str | None, result: Mapping[str, Any]) -> bytes:
    return b"\n".join(
        (job_guid.encode(), (input_state_hash or "").encode(), canonical_json(result))
    )


def result_signature(
    secret: str, job_guid: str, input_state_hash: str | None, result: Mapping[str, Any]
) -> str:
    """HMAC-SHA256 (hex) of `job_guid`, the input-state hash and the canonical result JSON."""
    return hmac.new(
        secret.encode(), _message(job_guid, input_state_hash, result), hashlib.sha256
    ).hexdigest()


def signature_matches(
    secret: str,
    job_guid: str,
    input_state_hash: str | None,
    result: Mapping[str, Any],
    signature: str,
) -> bool:
    """Constant-time check of a signature made by `result_signature`."""
    expected = result_signature(secret, job_guid, input_state_hash, result)
    return hmac.compare_digest(expected, signature)
