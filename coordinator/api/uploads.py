"""Chunked upload of large results, `/api/agent/v1/uploads`: open, send chunks, finish.

Results JSON over 1 MiB go this way (analysis spec 7.5); the finished upload is stored exactly
like `POST /jobs/{guid}/complete`, `POST /audits/{guid}/complete` or `POST /results` would
store it. A chunk may come gzip-compressed (`Content-Encoding: gzip`); its SHA-256 is of the
bytes it inflates to.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Body, Header, Path, Request, Response

from ..models import Job
from ..schemas.agent_audits import OutcomeAnswer
from ..schemas.uploads import ChunkReceived, UploadFinish, UploadFinished, UploadOpened, UploadStart
from ..services import uploads
from .body_limits import body_limit
from .deps import AgentDep, SessionDep
from .routing import ApiRoute

__all__ = ["router"]

router = APIRouter(prefix="/api/agent/v1/uploads", tags=["agent protocol"], route_class=ApiRoute)

_ERRORS = {
    404: {"description": "no such upload of this agent (or job, or collection)"},
    409: {"description": "finished, expired, superseded claim, chunks missing or different"},
    422: {"description": "a hash does not match, or a limit is passed"},
}


@router.post("", response_model=UploadOpened, status_code=201, responses=_ERRORS)
def start(body: UploadStart, agent: AgentDep, session: SessionDep) -> UploadOpened:
    """Open an upload for a claimed job's result or a claimed audit's outcomes (fenced by the
    claim token), or for an offline result."""
    if body.job_guid is not None and body.claim_token is not None:
        upload = uploads.start_job_upload(
            session, agent, body.job_guid, body.claim_token, body.total_size, body.chunk_count
        )
    elif body.audit_guid is not None and body.claim_token is not None:
        upload = uploads.start_audit_upload(
            session, agent, body.audit_guid, body.claim_token, body.total_size, body.chunk_count
        )
    else:
        upload = uploads.start_offline_upload(
            session,
            agent,
            body.collection_guid or "",
            body.idempotency_key or "",
            body.total_size,
            body.chunk_count,
        )
    return UploadOpened(
        upload_guid=upload.guid, max_chunk_size=uploads.MAX_CHUNK, expires_at=upload.expires_at
    )


@router.put(
    "/{guid}/chunks/{position}",
    response_model=ChunkReceived,
    status_code=201,
    responses={200: {"description": "this chunk had arrived before"}, **_ERRORS},
)
@body_limit(uploads.MAX_CHUNK, inflated=uploads.MAX_CHUNK)
def put_chunk(
    guid: str,
    position: Annotated[int, Path(ge=0)],
    data: Annotated[bytes, Body(media_type="application/octet-stream")],
    sha256: Annotated[str, Header(alias="X-Chunk-SHA256", max_length=64)],
    agent: AgentDep,
    session: SessionDep,
    response: Response,
) -> ChunkReceived:
    """One chunk as the raw body, its SHA-256 (hex) in `X-Chunk-SHA256`; safe to send again."""
    stored = uploads.put_chunk(session, agent, guid, position, sha256.lower(), data)
    if not stored:
        response.status_code = 200
    return ChunkReceived(position=position, stored=stored)


@router.post("/{guid}/finish", response_model=UploadFinished, responses=_ERRORS)
def finish(
    guid: str, body: UploadFinish, agent: AgentDep, session: SessionDep, request: Request
) -> UploadFinished:
    """Check the whole upload and store the result; a job's upload brings the claim token and
    the signature that `/complete` takes, an audit's the claim token (its outcomes carry their
    signatures) and answers for each outcome as `/audits/{guid}/complete` does."""
    finished = uploads.finish_upload(
        session,
        agent,
        request.app.state.vault,
        request.app.state.parse_pool,
        guid,
        body.sha256,
        body.input_state_hash,
        claim_token=body.claim_token,
        signature=body.signature,
    )
    upload, stored = finished.upload, finished.stored
    job = session.get(Job, upload.job_id) if upload.job_id is not None else None
    return UploadFinished(
        result_guid=stored.guid if stored is not None else None,
        job_guid=job.guid if job else None,
        outcomes=None
        if finished.answers is None
        else [OutcomeAnswer(**asdict(answer)) for answer in finished.answers],
    )
