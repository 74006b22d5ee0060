"""Chunked upload of large results (analysis spec 7.5): open, send chunks, finish; the chunks
are taken and joined in services/upload_chunks.py.

Chunks are kept in the database, not in the data folder: several coordinator instances behind
a load balancer share the database but not a folder, so any instance can take any chunk; the
chunks go away with their upload (foreign-key cascade) when it finishes or expires, and a
backup never holds half an upload on disk. Finishing assembles the chunks, checks the whole
document's SHA-256, has a result parsed, checked and packed in the parsing process
(parse_pool.py; an audit's outcomes too, their results taken out: body_results.py) and hands
it to the very same code as
`POST /jobs/{guid}/complete` (signature, schema, one result per job), `POST /audits/{guid}/complete`
(an audit's outcomes) or `POST /results` (the idempotency key).

Limits: a chunk holds at most 5 MiB, an upload at most 200 MiB (PostgreSQL keeps results as
jsonb, which stops at 255 MiB, and finishing holds the document in memory) in at most 1024
chunks; an agent has at most 4 uploads open; an upload expires an hour after its last chunk.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..errors import Conflict, InvalidInput
from ..hashed_secrets import hash_secret
from ..ids import new_guid
from ..models import Agent, Collection, Job, Upload, UploadChunk
from ..models.base import utcnow
from ..parse_pool import ParsePool
from ..schemas.agent_audits import AuditOutcomes
from ..vault import Vault
from . import audit_delivery, completion, job_lifecycle, results
from .body_results import ParsedBody, parse_body, parse_result, taken_document
from .collections import team_collection
from .upload_chunks import LIFETIME, MAX_CHUNK, assembled, open_upload, put_chunk

__all__ = [
    "LIFETIME",
    "MAX_CHUNK",
    "MAX_CHUNKS",
    "MAX_OPEN",
    "MAX_TOTAL",
    "Finished",
    "finish_upload",
    "put_chunk",
    "start_audit_upload",
    "start_job_upload",
    "start_offline_upload",
    "sweep_uploads",
]

MAX_TOTAL = 200 * 1024 * 1024
MAX_CHUNKS = 1024
MAX_OPEN = 4


def _check_shape(session: Session, agent: Agent, total_size: int, chunk_count: int) -> None:
    if not 0 < total_size <= MAX_TOTAL:
        raise InvalidInput(f"an upload holds 1 byte to {MAX_TOTAL // 2**20} MiB")
    if not 0 < chunk_count <= min(MAX_CHUNKS, total_size):
        raise InvalidInput(f"an upload has 1 to {MAX_CHUNKS} chunks, none of them empty")
    if chunk_count * MAX_CHUNK < total_size:
        raise InvalidInput(f"{chunk_count} chunks of at most 5 MiB cannot hold {total_size} bytes")
    open_uploads = session.scalar(
        select(func.count())
        .select_from(Upload)
        .where(Upload.agent_id == agent.id, Upload.finished_at.is_(None))
    )
    if (open_uploads or 0) >= MAX_OPEN:
        raise Conflict(f"{MAX_OPEN} uploads are open already: finish one or let it expire")


def _new_upload(session: Session, agent: Agent, **target: Any) -> Upload:
    upload = Upload(
        guid=new_guid("upl"),
        team_id=agent.team_id,
        agent_id=agent.id,
        expires_at=utcnow() + LIFETIME,
        **target,
    )
    session.add(upload)
    session.commit()
    return upload


def start_job_upload(
    session: Session, agent: Agent, job_guid: str, token: str, total_size: int, chunk_count: int
) -> Upload:
    """Open an upload for the result of a job this agent holds the claim of."""
    job = job_lifecycle.fenced_job(session, agent, job_guid, token)
    if job.status not in job_lifecycle.RESULT_WANTED:
        raise Conflict(f"the job is {job.status}; its result is no longer wanted")
    _check_shape(session, agent, total_size, chunk_count)
    return _new_upload(
        session,
        agent,
        job_id=job.id,
        claim_token_hash=job.claim_token_hash,
        total_size=total_size,
        chunk_count=chunk_count,
    )


def start_audit_upload(
    session: Session, agent: Agent, audit_guid: str, token: str, total_size: int, chunk_count: int
) -> Upload:
    """Open an upload for the outcomes of an audit whose jobs this agent's claim holds."""
    token_hash = hash_secret(token)
    audit_delivery.held_jobs(session, agent, audit_guid, token_hash)
    _check_shape(session, agent, total_size, chunk_count)
    return _new_upload(
        session,
        agent,
        audit_guid=audit_guid,
        claim_token_hash=token_hash,
        total_size=total_size,
        chunk_count=chunk_count,
    )


def start_offline_upload(
    session: Session,
    agent: Agent,
    collection_guid: str,
    idempotency_key: str,
    total_size: int,
    chunk_count: int,
) -> Upload:
    """Open an upload for a result made offline, stored under the agent's idempotency key."""
    collection = team_collection(session, agent.team_id, collection_guid)
    _check_shape(session, agent, total_size, chunk_count)
    return _new_upload(
        session,
        agent,
        collection_id=collection.id,
        idempotency_key=idempotency_key,
        total_size=total_size,
        chunk_count=chunk_count,
    )


@dataclass(frozen=True)
class Finished:
    """A finished upload and what it stored: a result (a job's or an offline one), or the
    answers to an audit's outcomes."""

    upload: Upload
    stored: completion.StoredResult | None
    answers: list[audit_delivery.Answer] | None = None


def _audit_outcomes(payload: dict[str, Any]) -> AuditOutcomes:
    try:
        return AuditOutcomes.model_validate(payload)
    except ValidationError as exc:
        raise InvalidInput(f"the upload is not an audit's outcomes: {exc}") from None


def finish_upload(
    session: Session,
    agent: Agent,
    vault: Vault,
    parser: ParsePool,
    guid: str,
    digest: str,
    input_state_hash: str | None,
    *,
    claim_token: str | None = None,
    signature: str | None = None,
) -> Finished:
    """Assemble and store the result exactly as a direct complete, audit complete or offline
    upload would; a result is read in the parsing process (`parser`)."""
    upload = open_upload(session, agent, guid)
    document = assembled(session, upload, digest)
    parse = parse_body if upload.audit_guid is not None else parse_result
    parsed: ParsedBody = parser.run(parse, document)
    parsed.raise_if_not_json("the upload")
    if not isinstance(parsed.body, dict):
        raise InvalidInput("the upload is not a JSON object")
    del document  # megabytes, not needed while the result is stored
    stored: completion.StoredResult | None = None
    answers = None
    if upload.job_id is not None or upload.audit_guid is not None:
        if not claim_token:
            raise InvalidInput("a claimed job's or audit's upload is finished with its claim token")
        if hash_secret(claim_token) != upload.claim_token_hash:
            raise Conflict("this claim token did not open the upload")
    if upload.audit_guid is not None:
        outcomes = _audit_outcomes(parsed.body).outcomes
        answers = audit_delivery.deliver_outcomes(
            session,
            agent,
            vault,
            upload.audit_guid,
            claim_token or "",
            outcomes,
            partial(taken_document, parsed.results),
        )
    elif upload.job_id is not None:
        if not signature:
            raise InvalidInput("a job's upload is finished with its claim token and signature")
        job = session.get_one(Job, upload.job_id)
        stored = completion.complete(
            session,
            agent,
            vault,
            job.guid,
            claim_token or "",
            parsed.results[0],
            input_state_hash,
            signature,
        )
    else:
        collection = session.get_one(Collection, upload.collection_id)
        stored, _ = results.upload_offline_result(
            session,
            agent,
            upload.idempotency_key or "",
            collection.guid,
            parsed.results[0],
            input_state_hash,
        )
    upload.finished_at = utcnow()
    upload.result_id = stored.id if stored is not None else None
    session.execute(delete(UploadChunk).where(UploadChunk.upload_id == upload.id))
    session.commit()
    return Finished(upload, stored, answers)


def sweep_uploads(session: Session) -> int:
    """Delete expired uploads and their chunks; the caller commits.

    The chunks are deleted by name: a SQLite connection without `foreign_keys=ON` would not
    cascade."""
    expired = select(Upload.id).where(Upload.expires_at < utcnow())
    expired_ids = list(session.scalars(expired))
    if not expired_ids:
        return 0
    session.execute(delete(UploadChunk).where(UploadChunk.upload_id.in_(expired_ids)))
    return session.execute(delete(Upload).where(Upload.id.in_(expired_ids))).rowcount
