"""Audits, `/api`: queue several tools of a collection as one audit (one scan on its agent),
follow it, cancel it; and the collection's report, the newest result of each tool in one page."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from ..models import Job
from ..schemas.jobs import AuditCreate, AuditOut, QueuedAuditOut
from ..services import collection_audits, collection_report, job_admin
from ..services.job_lifecycle import ACTIVE
from .deps import CurrentUser, SessionDep
from .jobs import job_out
from .results import REPORT_HEADERS
from .routing import ApiRoute

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["audits"], route_class=ApiRoute)

_UNAUTHORIZED = {401: {"description": "not signed in, or the token is invalid"}}
_NOT_FOUND = {404: {"description": "no such audit in your team"}}


def _status(jobs: list[Job]) -> str:
    states = {job.status for job in jobs}
    if states & set(ACTIVE):
        return "running"
    return "queued" if "queued" in states else "finished"


def _audit_out(session: Session, guid: str, jobs: list[Job]) -> AuditOut:
    guids = job_admin.collection_guids(session, [jobs[0].collection_id])
    collection = guids.get(jobs[0].collection_id or 0)
    return AuditOut(
        guid=guid,
        collection=collection,
        status=_status(jobs),
        jobs=[job_out(job, collection) for job in jobs],
    )


@router.post(
    "/collections/{guid}/audits",
    response_model=QueuedAuditOut,
    status_code=201,
    responses={
        **_UNAUTHORIZED,
        200: {
            "model": QueuedAuditOut,
            "description": "every tool asked for was queued or running already: their jobs",
        },
        201: {"description": "an audit was queued"},
        404: {"description": "no such collection in your team"},
        422: {"description": "an unknown tool, or Pipeline Validation without a pipeline"},
    },
)
def run_audit(
    guid: str, body: AuditCreate, user: CurrentUser, session: SessionDep, response: Response
) -> QueuedAuditOut:
    """Queue several tools of the collection (by default every tool that applies) as one audit:
    its agent claims them together, lists the collection once and sends their results in one
    upload. A tool queued or running there already keeps its job (listed as `unfinished`)."""
    tools = None if body.tools is None else [tool.value for tool in body.tools]
    queued = collection_audits.run_audit(session, user, guid, tools, body.check_sidecars)
    if queued.guid is None:
        response.status_code = 200
    return QueuedAuditOut(
        audit=queued.guid,
        queued=[job_out(q.job, guid) for q in queued.jobs if q.created],
        unfinished=[job_out(q.job, guid) for q in queued.jobs if not q.created],
    )


@router.get("/audits/{guid}", response_model=AuditOut, responses={**_UNAUTHORIZED, **_NOT_FOUND})
def get_audit(guid: str, user: CurrentUser, session: SessionDep) -> AuditOut:
    """The audit's jobs, each with its state and progress."""
    return _audit_out(session, guid, collection_audits.get_audit(session, user.team_id, guid))


@router.post(
    "/audits/{guid}/cancel",
    response_model=AuditOut,
    responses={
        **_UNAUTHORIZED,
        **_NOT_FOUND,
        409: {"description": "every job of the audit has ended already"},
    },
)
def cancel_audit(guid: str, user: CurrentUser, session: SessionDep) -> AuditOut:
    """Cancel the whole audit: its queued jobs at once, its running ones at their agent's next
    word (which stops the scan)."""
    return _audit_out(session, guid, collection_audits.cancel_audit(session, user, guid))


@router.get(
    "/collections/{guid}/report",
    response_class=HTMLResponse,
    responses={
        **_UNAUTHORIZED,
        404: {"description": "no such collection in your team"},
        409: {"description": "the collection has no completed result yet: run an audit first"},
    },
)
def get_collection_report(guid: str, user: CurrentUser, session: SessionDep) -> HTMLResponse:
    """One self-contained HTML report of the collection: the newest COMPLETED or NO_CHANGE
    result of each tool, rendered together as `shuttersense analyze` renders a run."""
    page = collection_report.render_collection_report(session, user.team_id, guid)
    return HTMLResponse(page, headers=REPORT_HEADERS)
