"""Large results go to the coordinator in chunks (analysis spec 7.5: over 1 MiB of JSON, 5 MiB
pieces, each tried 3 times), for a job's completion or an offline result alike."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from .client import CoordinatorClient
from .errors import CoordinatorUnreachable

__all__ = ["CHUNKED_ABOVE", "CHUNK_SIZE", "encoded", "finish_timeout", "send_in_chunks"]

CHUNKED_ABOVE = 1024 * 1024
CHUNK_SIZE = 5 * 1024 * 1024
_TRIES = 3
# Finishing reads the whole document (76 MiB in about 7 s on a 2-core machine:
# docs/performance.md), so the wait for its answer grows with it: 20 s and a second per 4 MiB.
_FINISH_WAIT = 20.0
_FINISH_RATE = 4 * 1024 * 1024  # bytes a second, a slow coordinator's

log = logging.getLogger(__name__)


def encoded(result: dict[str, Any]) -> bytes:
    """The result as the bytes that travel (the signature covers the parsed JSON, not these)."""
    return json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode()


def send_in_chunks(
    client: CoordinatorClient,
    target: dict[str, Any],
    data: bytes,
    finish: dict[str, Any],
    *,
    chunk_size: int = CHUNK_SIZE,
) -> dict[str, Any]:
    """Open an upload for `target` (job GUID and claim token, or collection GUID and
    idempotency key), send `data` piece by piece, and finish it with `finish` (input-state hash,
    and a job's claim token and signature). Returns the coordinator's answer to the finish."""
    pieces = [data[start : start + chunk_size] for start in range(0, len(data), chunk_size)]
    opened = client.start_upload({**target, "total_size": len(data), "chunk_count": len(pieces)})
    guid = opened["upload_guid"]
    for position, piece in enumerate(pieces):
        digest = hashlib.sha256(piece).hexdigest()
        for attempt in range(1, _TRIES + 1):
            try:
                client.put_chunk(guid, position, piece, digest)
                break
            except CoordinatorUnreachable as exc:
                if attempt == _TRIES:
                    raise
                log.info("chunk %d of %s not sent (%s); again", position, guid, exc)
    body = {**finish, "sha256": hashlib.sha256(data).hexdigest()}
    return client.finish_upload(guid, body, timeout=finish_timeout(len(data)))


def finish_timeout(size: int) -> float:
    """Seconds to wait for the answer to finishing an upload of `size` bytes."""
    return _FINISH_WAIT + size / _FINISH_RATE
