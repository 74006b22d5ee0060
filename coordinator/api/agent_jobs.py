"""The agent protocol's job calls: long-poll claim, progress, complete, no-change, fail, and
the upload of results made offline."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from ..schemas.agent_protocol import (
    ClaimResponse,
    CompleteRequest,
    FailRequest,
    JobOutcome,
    NoChangeRequest,
    OfflineResult,
    ProgressRequest,
    ProgressResponse,
    ReleaseRequest,
    UploadOutcome,
)
from ..services import claims, completion, job_lifecycle, results
from ..services.agent_identity import AgentIdentity
from ..vault import Vault
from .body_limits import MiB, body_limit
from .claim_answers import collection_out, previous_result_out
from .deps import AgentCallDep, AgentDep, SessionDep
from .long_poll import long_poll
from .result_bodies import document_of, parsed_apart
from .routing import ApiRoute

__all__ = ["RESULT_BODY", "router"]

router = APIRouter(prefix="/api/agent/v1", tags=["agent protocol"], route_class=ApiRoute)

# A result sent whole is at most 1 MiB of JSON (larger ones go through the chunked upload), with
# room for a client that escapes what ours sends as UTF-8; gzip-compressed or not.
RESULT_BODY = 2 * MiB


def _claim_once(
    vault: Vault, session: Session, agent: AgentIdentity
) -> tuple[AgentIdentity, ClaimResponse | None]:
    claim = claims.try_claim(session, agent, vault)
    if claim is None:
        return agent, None
    return agent, ClaimResponse(
        job_guid=claim.job_guid,
        tool=claim.tool,
        attempt=claim.attempt,
        parameters=claim.parameters,
        collection=collection_out(claim.collection),
        pipeline=claim.pipeline,
        config=claim.config,
        previous_result=previous_result_out(claim.previous),
        claim_token=claim.token,
        claim_secret=claim.secret,
        lease_expires_at=claim.lease_expires_at,
    )


@router.post(
    "/jobs/claim",
    response_model=ClaimResponse,
    responses={204: {"description": "no job within the wait"}},
)
async def claim(
    request: Request, call: AgentCallDep, wait: Annotated[int, Query(ge=0, le=30)] = 0
) -> ClaimResponse | Response:
    """Hand the agent its next job, waiting up to `wait` seconds for one (204 if none, and at
    once when the server starts to stop). Agents that know audits claim a whole audit instead:
    `POST /audits/claim`."""
    return await long_poll(request, call, partial(_claim_once, request.app.state.vault), wait)


@router.post("/jobs/{guid}/progress", response_model=ProgressResponse)
async def progress(guid: str, body: ProgressRequest, call: AgentCallDep) -> ProgressResponse:
    """Report progress; renews the lease and says whether the job was cancelled."""
    report = body.model_dump(exclude={"claim_token"})
    job = await call.run(
        lambda session, agent: job_lifecycle.progress(
            session, agent, guid, body.claim_token, report
        )
    )
    return ProgressResponse(
        lease_expires_at=job.lease_expires_at, cancel_requested=job.cancel_requested
    )


@router.post("/jobs/{guid}/complete", response_model=JobOutcome)
@body_limit(RESULT_BODY, inflated=RESULT_BODY)
@parsed_apart
async def complete(
    guid: str, body: CompleteRequest, call: AgentCallDep, request: Request
) -> JobOutcome:
    """Store the signed result; repeating the same completion is harmless."""
    vault = request.app.state.vault
    document = document_of(request, body.result)
    stored = await call.run(
        lambda session, agent: completion.complete(
            session,
            agent,
            vault,
            guid,
            body.claim_token,
            document,
            body.input_state_hash,
            body.signature,
        )
    )
    return JobOutcome(job_guid=guid, status="completed", result_guid=stored.guid)


@router.post("/jobs/{guid}/no-change", response_model=JobOutcome)
def no_change(guid: str, body: NoChangeRequest, agent: AgentDep, session: SessionDep) -> JobOutcome:
    """The collection is as it was for an earlier result: record a NO_CHANGE copy of it."""
    copy = completion.no_change(
        session, agent, guid, body.claim_token, body.input_state_hash, body.source_result_guid
    )
    return JobOutcome(job_guid=guid, status="no_change", result_guid=copy.guid)


@router.post("/jobs/{guid}/fail", response_model=JobOutcome)
def fail(guid: str, body: FailRequest, agent: AgentDep, session: SessionDep) -> JobOutcome:
    """Give up the job: retried later if `retryable` and attempts remain, else failed (with a
    FAILED result that carries the error)."""
    job = job_lifecycle.fail(session, agent, guid, body.claim_token, body.error, body.retryable)
    ended = job_lifecycle.stored_result(session, job)  # the FAILED or CANCELLED result, if it ended
    return JobOutcome(job_guid=guid, status=job.status, result_guid=ended.guid if ended else None)


@router.post("/jobs/{guid}/release", response_model=JobOutcome)
def release(guid: str, body: ReleaseRequest, agent: AgentDep, session: SessionDep) -> JobOutcome:
    """Hand the job back unfinished (the agent is stopping): queued again at once, the attempt
    not counted; a job whose cancellation was asked for ends cancelled."""
    job = job_lifecycle.release(session, agent, guid, body.claim_token)
    return JobOutcome(job_guid=guid, status=job.status)


@router.post("/results", response_model=UploadOutcome, status_code=201)
@body_limit(RESULT_BODY, inflated=RESULT_BODY)
@parsed_apart
def upload_result(
    body: OfflineResult,
    agent: AgentDep,
    session: SessionDep,
    request: Request,
    response: Response,
) -> UploadOutcome:
    """A result made offline; the same idempotency key never stores a second one."""
    stored, created = results.upload_offline_result(
        session,
        agent,
        body.idempotency_key,
        body.collection_guid,
        document_of(request, body.result),
        body.input_state_hash,
    )
    if not created:
        response.status_code = 200
    return UploadOutcome(result_guid=stored.guid, created=created)
