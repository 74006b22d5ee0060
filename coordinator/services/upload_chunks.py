"""An open upload's chunks (analysis spec 7.5): finding the agent's own open upload, storing a
chunk after checking it, and joining them all into the JSON document that finishing stores
(services/uploads.py opens and finishes uploads)."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import Conflict, InvalidInput, NotFound
from ..models import Agent, Job, Upload, UploadChunk
from ..models.base import utcnow
from . import audit_delivery, job_lifecycle

__all__ = ["LIFETIME", "MAX_CHUNK", "assembled", "open_upload", "put_chunk"]

MAX_CHUNK = 5 * 1024 * 1024
LIFETIME = timedelta(hours=1)  # an upload expires this long after it opened or took a chunk
_SHA256 = re.compile(r"[0-9a-f]{64}")


def open_upload(session: Session, agent: Agent, guid: str) -> Upload:
    """The agent's own upload, still open; another agent's upload does not exist for it."""
    upload = session.scalar(select(Upload).where(Upload.guid == guid, Upload.agent_id == agent.id))
    if upload is None:
        raise NotFound(f"no upload {guid}")
    if upload.finished_at is not None:
        raise Conflict("this upload was finished already: its result is stored")
    if upload.expires_at <= utcnow():
        raise Conflict("this upload expired: start a new one")
    return upload


def _renew_held(session: Session, agent: Agent, upload: Upload, now: datetime) -> None:
    """Renew the leases of the jobs the upload is for, if the claim that opened it still holds
    them; Conflict when it does not."""
    if upload.audit_guid is not None:
        token_hash = upload.claim_token_hash or ""
        held = audit_delivery.held_jobs(session, agent, upload.audit_guid, token_hash)
        running = [row.id for row in held if row.status in job_lifecycle.ACTIVE]
        if running:
            renewed = {"lease_expires_at": now + job_lifecycle.LEASE}
            session.execute(update(Job).where(Job.id.in_(running)).values(renewed))
        return
    job = _held_job(session, upload)
    if job is not None and job.status in job_lifecycle.ACTIVE:
        job.lease_expires_at = now + job_lifecycle.LEASE


def _held_job(session: Session, upload: Upload) -> Job | None:
    """The upload's job, if the claim that opened the upload still holds it."""
    if upload.job_id is None:
        return None
    job = session.get(Job, upload.job_id)
    if job is None or job.claim_token_hash != upload.claim_token_hash:
        raise Conflict("this claim was superseded: the job was given to another run")
    if job.status not in job_lifecycle.RESULT_WANTED:
        raise Conflict(f"the job is {job.status}; its result is no longer wanted")
    return job


def _same_chunk(session: Session, upload: Upload, position: int, digest: str) -> bool:
    """Whether this chunk arrived already (True), or never (False); Conflict if it differed."""
    known = session.scalar(
        select(UploadChunk.sha256).where(
            UploadChunk.upload_id == upload.id, UploadChunk.position == position
        )
    )
    if known is not None and known != digest:
        raise Conflict(f"chunk {position} was sent before with other content")
    return known is not None


def put_chunk(
    session: Session, agent: Agent, guid: str, position: int, digest: str, data: bytes
) -> bool:
    """Store chunk `position` after checking its SHA-256; renews the upload and the job's lease.

    Sending the same chunk again is harmless (returns False); other content is a Conflict.
    """
    upload = open_upload(session, agent, guid)
    if not 0 <= position < upload.chunk_count:
        raise InvalidInput(f"chunk positions run from 0 to {upload.chunk_count - 1}")
    if not 0 < len(data) <= MAX_CHUNK:
        raise InvalidInput("a chunk holds 1 byte to 5 MiB")
    if not _SHA256.fullmatch(digest) or hashlib.sha256(data).hexdigest() != digest:
        raise InvalidInput(f"chunk {position} does not match its SHA-256: send it again")
    now = utcnow()
    _renew_held(session, agent, upload, now)
    if _same_chunk(session, upload, position, digest):
        return False
    received = session.scalar(
        select(func.coalesce(func.sum(UploadChunk.size), 0)).where(
            UploadChunk.upload_id == upload.id
        )
    )
    if (received or 0) + len(data) > upload.total_size:
        raise InvalidInput(f"the chunks hold more than the announced {upload.total_size} bytes")
    upload.expires_at = now + LIFETIME
    session.add(
        UploadChunk(
            upload_id=upload.id, position=position, sha256=digest, size=len(data), data=data
        )
    )
    try:
        session.commit()
    except IntegrityError:  # the same chunk raced us in
        session.rollback()
        _same_chunk(session, upload, position, digest)
        return False
    return True


def assembled(session: Session, upload: Upload, digest: str) -> bytearray:
    """The upload's chunks joined and checked against `digest` (parsed by the caller)."""
    have = set(
        session.scalars(select(UploadChunk.position).where(UploadChunk.upload_id == upload.id))
    )
    missing = [p for p in range(upload.chunk_count) if p not in have]
    if missing:
        shown = ", ".join(str(p) for p in missing[:20])
        raise Conflict(f"chunks missing: {shown}{'…' if len(missing) > 20 else ''}")
    document = bytearray()
    pieces = session.scalars(
        select(UploadChunk.data)
        .where(UploadChunk.upload_id == upload.id)
        .order_by(UploadChunk.position)
        .execution_options(yield_per=4)
    )
    for piece in pieces:
        document += piece
    if len(document) != upload.total_size:
        raise InvalidInput(f"the chunks hold {len(document)} bytes, not {upload.total_size}")
    if hashlib.sha256(document).hexdigest() != digest:
        raise InvalidInput("the assembled upload does not match its SHA-256")
    return document
