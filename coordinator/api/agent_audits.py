"""The agent protocol's audit calls, `/api/agent/v1/audits`: long-poll claim of a whole audit,
progress for all of its jobs, and their outcomes delivered in one request."""

from __future__ import annotations

from dataclasses import asdict
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from ..schemas.agent_audits import (
    AuditClaimResponse,
    AuditCompleteRequest,
    AuditCompleteResponse,
    AuditJob,
    AuditProgressResponse,
    JobHeld,
    OutcomeAnswer,
)
from ..schemas.agent_protocol import ProgressRequest
from ..services import audit_delivery, claims
from ..services.agent_identity import AgentIdentity
from ..vault import Vault
from .agent_jobs import RESULT_BODY
from .body_limits import body_limit
from .claim_answers import collection_out, previous_result_out
from .deps import AgentCallDep
from .long_poll import long_poll
from .result_bodies import document_of, parsed_apart
from .routing import ApiRoute

__all__ = ["router"]

router = APIRouter(prefix="/api/agent/v1/audits", tags=["agent protocol"], route_class=ApiRoute)

_FENCED = {
    404: {"description": "no such audit in your team"},
    409: {"description": "the claim holds none of the audit's jobs any more"},
}


def _claim_once(
    vault: Vault, session: Session, agent: AgentIdentity
) -> tuple[AgentIdentity, AuditClaimResponse | None]:
    claim = claims.try_claim_audit(session, agent, vault)
    if claim is None:
        return agent, None
    return agent, AuditClaimResponse(
        audit_guid=claim.audit_guid,
        collection=collection_out(claim.collection),
        pipeline=claim.pipeline,
        config=claim.config,
        jobs=[
            AuditJob(
                job_guid=job.guid,
                tool=job.tool,
                attempt=job.attempt,
                parameters=job.parameters,
                previous_result=previous_result_out(job.previous),
            )
            for job in claim.jobs
        ],
        claim_token=claim.token,
        claim_secret=claim.secret,
        lease_expires_at=claim.lease_expires_at,
    )


@router.post(
    "/claim",
    response_model=AuditClaimResponse,
    responses={204: {"description": "no job within the wait"}},
)
async def claim(
    request: Request, call: AgentCallDep, wait: Annotated[int, Query(ge=0, le=30)] = 0
) -> AuditClaimResponse | Response:
    """Hand the agent the oldest job it may run with the other queued jobs of its audit, under
    one claim, waiting up to `wait` seconds (204 if none, and at once when the server starts
    to stop). A job queued alone comes as an audit of one."""
    return await long_poll(
        request, call, lambda s, a: _claim_once(request.app.state.vault, s, a), wait
    )


@router.post("/{guid}/progress", response_model=AuditProgressResponse, responses=_FENCED)
async def progress(guid: str, body: ProgressRequest, call: AgentCallDep) -> AuditProgressResponse:
    """Report the audit's progress: recorded on each of its jobs the claim holds, whose leases
    are renewed; the answer lists them, each saying whether its cancellation was asked for."""
    report = body.model_dump(exclude={"claim_token"})
    held = await call.run(
        lambda session, agent: audit_delivery.audit_progress(
            session, agent, guid, body.claim_token, report
        )
    )
    return AuditProgressResponse(
        lease_expires_at=min(job.lease_expires_at for job in held),
        jobs=[JobHeld(job_guid=job.guid, cancel_requested=job.cancel_requested) for job in held],
    )


@router.post(
    "/{guid}/complete",
    response_model=AuditCompleteResponse,
    responses={404: {"description": "no such audit in your team"}},
)
@body_limit(RESULT_BODY, inflated=RESULT_BODY)
@parsed_apart
async def complete(
    guid: str, body: AuditCompleteRequest, call: AgentCallDep, request: Request
) -> AuditCompleteResponse:
    """What became of each job of the audit, in one request: a signed result (as for
    `/jobs/{guid}/complete`), a NO_CHANGE copy (`/no-change`) or a failure (`/fail`). Each is
    taken or refused on its own; repeating the request is harmless."""
    vault = request.app.state.vault
    answers = await call.run(
        lambda session, agent: audit_delivery.deliver_outcomes(
            session,
            agent,
            vault,
            guid,
            body.claim_token,
            body.outcomes,
            partial(document_of, request),
        )
    )
    return AuditCompleteResponse(outcomes=[OutcomeAnswer(**asdict(answer)) for answer in answers])
