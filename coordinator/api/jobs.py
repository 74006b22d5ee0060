"""Jobs, `/api`: run a tool on a collection, list the team's jobs, cancel, retry."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy import Row
from sqlalchemy.orm import Session

from ..models import Job
from ..schemas.jobs import JobCreate, JobOut
from ..services import job_admin
from ..services.jobs import QueuedJob
from .deps import CurrentUser, SessionDep, UserCallDep
from .routing import ApiRoute

__all__ = ["job_out", "router"]

router = APIRouter(prefix="/api", tags=["jobs"], route_class=ApiRoute)

_UNAUTHORIZED = {401: {"description": "not signed in, or the token is invalid"}}
_NOT_FOUND = {404: {"description": "no such job in your team"}}
_CONFLICT = {409: {"description": "the job is not in a state that allows this"}}
_EXISTING = {
    200: {
        "model": JobOut,
        "description": "the tool is queued or running on the collection already: that job",
    },
    201: {"description": "the job was queued"},
}


def job_out(job: Job | Row[Any], collection_guid: str | None) -> JobOut:
    return JobOut(
        guid=job.guid,
        tool=job.tool,
        audit=job.audit_guid,
        parameters=job.parameters or {},
        status=job.status,
        collection=collection_guid,
        attempts=job.attempts,
        max_attempts=job.max_attempts,
        cancel_requested=job.cancel_requested,
        progress=job.progress or {},
        error=job.error,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


def _one(session: Session, job: Job | Row[Any]) -> JobOut:
    guids = job_admin.collection_guids(session, [job.collection_id])
    return job_out(job, guids.get(job.collection_id or 0))


def _queued(response: Response, queued: QueuedJob, collection_guid: str | None) -> JobOut:
    """201 for a job queued now, 200 for the one that was queued or running already."""
    if not queued.created:
        response.status_code = 200
    return job_out(queued.job, collection_guid)


@router.post(
    "/collections/{guid}/jobs",
    response_model=JobOut,
    status_code=201,
    responses={
        **_EXISTING,
        **_UNAUTHORIZED,
        404: {"description": "no such collection in your team"},
        422: {"description": "an unknown tool, or Pipeline Validation without a pipeline"},
    },
)
async def run_tool(guid: str, body: JobCreate, call: UserCallDep, response: Response) -> JobOut:
    """Queue a tool on one of the team's collections (an audit of one tool; several tools at
    once: `POST /api/collections/{guid}/audits`). While the tool is queued or running there,
    asking again answers that job (200) instead of queueing a second one."""
    queued = await call.run(
        lambda session, user: job_admin.run_tool(
            session, user, guid, body.tool.value, body.check_sidecars
        )
    )
    # The collection is the one in the path: no second look-up (and transaction) for its GUID.
    return _queued(response, queued, guid)


@router.get(
    "/jobs",
    response_model=list[JobOut],
    responses={**_UNAUTHORIZED, 404: {"description": "no such collection in your team"}},
)
def list_jobs(
    user: CurrentUser,
    session: SessionDep,
    status: Annotated[str | None, Query(description="only jobs in this state")] = None,
    collection: Annotated[str | None, Query(description="only jobs on this collection")] = None,
) -> list[JobOut]:
    """The team's jobs, newest first (at most 200)."""
    found = job_admin.list_jobs(session, user.team_id, status=status, collection=collection)
    guids = job_admin.collection_guids(session, (job.collection_id for job in found))
    return [job_out(job, guids.get(job.collection_id or 0)) for job in found]


@router.get("/jobs/{guid}", response_model=JobOut, responses={**_UNAUTHORIZED, **_NOT_FOUND})
def get_job(guid: str, user: CurrentUser, session: SessionDep) -> JobOut:
    return _one(session, job_admin.get_job(session, user.team_id, guid))


@router.post(
    "/jobs/{guid}/cancel",
    response_model=JobOut,
    responses={**_UNAUTHORIZED, **_NOT_FOUND, **_CONFLICT},
)
def cancel_job(guid: str, user: CurrentUser, session: SessionDep) -> JobOut:
    """Cancel a queued job at once; a claimed or running one is asked to stop (its agent
    learns it from its next heartbeat or progress call)."""
    return _one(session, job_admin.cancel_job(session, user, guid))


@router.post(
    "/jobs/{guid}/retry",
    response_model=JobOut,
    status_code=201,
    responses={**_EXISTING, **_UNAUTHORIZED, **_NOT_FOUND, **_CONFLICT},
)
def retry_job(guid: str, user: CurrentUser, session: SessionDep, response: Response) -> JobOut:
    """A new queued job for the same collection and tool as a failed or cancelled one; the job
    already queued or running there (200), if there is one."""
    queued = job_admin.retry_job(session, user, guid)
    guids = job_admin.collection_guids(session, [queued.job.collection_id])
    return _queued(response, queued, guids.get(queued.job.collection_id or 0))
