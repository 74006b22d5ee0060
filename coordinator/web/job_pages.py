"""Jobs: the queue and the history with filters, cancel, retry, and why a job failed."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from ..api.deps import SessionDep
from ..models import JOB_STATES
from ..services import collections, job_admin, overview
from .page_route import DashboardDep, FormDep, PageRoute, ViewerDep, local_target, redirect

__all__ = ["router"]

router = APIRouter(route_class=PageRoute)


@router.get("/jobs")
def job_list(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    dashboard: DashboardDep,
    status: str = "",
    collection: str = "",
) -> Response:
    """Newest first; `status` and `collection` (a GUID) narrow the list."""
    team_id = viewer.user.team_id
    jobs = job_admin.list_jobs(
        session, team_id, status=status or None, collection=collection or None
    )
    return dashboard.render(
        request,
        "jobs.html",
        viewer=viewer,
        title="Jobs",
        jobs=jobs,
        names=overview.collections_by_id(session, (job.collection_id for job in jobs)),
        states=JOB_STATES,
        status=status,
        collection=collection,
        choices=collections.list_team_collections(session, team_id),
    )


@router.post("/jobs/{guid}/cancel")
def cancel(guid: str, form: FormDep, viewer: ViewerDep, session: SessionDep) -> Response:
    job_admin.cancel_job(session, viewer.user, guid)
    return redirect(_back(form.get("back"), "cancelled"))


@router.post("/jobs/{guid}/retry")
def retry(guid: str, form: FormDep, viewer: ViewerDep, session: SessionDep) -> Response:
    job_admin.retry_job(session, viewer.user, guid)
    return redirect(_back(form.get("back"), "retried"))


def _back(target: str | None, notice: str) -> str:
    """The page the form came from (of this site only), with the notice."""
    page = local_target(target, "/jobs").split("?", 1)[0].split("#", 1)[0]
    return f"{page}?notice={notice}"
