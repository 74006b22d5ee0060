"""The overview at `/`: KPIs, the job queue with live progress, recent results, collections
that got worse."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from ..api.deps import SessionDep
from ..services import got_worse, overview
from .page_route import DashboardDep, PageRoute, ViewerDep

__all__ = ["router"]

router = APIRouter(route_class=PageRoute)


@router.get("/")
def overview_page(
    request: Request, viewer: ViewerDep, session: SessionDep, dashboard: DashboardDep
) -> Response:
    team_id = viewer.user.team_id
    jobs = overview.queued_jobs(session, team_id)
    results = overview.recent_results(session, team_id)
    names = overview.collections_by_id(
        session, [job.collection_id for job in jobs] + [r.collection_id for r in results]
    )
    return dashboard.render(
        request,
        "overview.html",
        viewer=viewer,
        title="Overview",
        kpis=overview.kpis(session, team_id),
        jobs=jobs,
        results=results,
        collections=names,
        worse=got_worse.worse_collections(session, team_id),
    )
