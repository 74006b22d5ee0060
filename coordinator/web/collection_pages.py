"""Collections and results: the list, one collection (trends, results, run a tool), one result
(its KPIs, the stored HTML report in a sandboxed frame, JSON and CSV export)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from shuttersense.common.results import ToolName

from ..api.deps import SessionDep
from ..models import Pipeline
from ..services import collections, job_admin, overview
from ..services.jobs import applicable_tools
from .figures import result_kpis, trend_charts
from .page_route import DashboardDep, FormDep, PageRoute, ViewerDep, redirect

__all__ = ["router"]

router = APIRouter(route_class=PageRoute)

_TOOLS = tuple(tool.value for tool in ToolName)


@router.get("/collections")
def collection_list(
    request: Request, viewer: ViewerDep, session: SessionDep, dashboard: DashboardDep
) -> Response:
    found = collections.list_team_collections(session, viewer.user.team_id)
    return dashboard.render(
        request,
        "collections.html",
        viewer=viewer,
        title="Collections",
        rows=overview.collection_rows(session, found),
        tools=_TOOLS,
    )


@router.get("/collections/{guid}")
def collection_page(
    guid: str, request: Request, viewer: ViewerDep, session: SessionDep, dashboard: DashboardDep
) -> Response:
    team_id = viewer.user.team_id
    collection = collections.team_collection(session, team_id, guid)
    pipeline = session.get(Pipeline, collection.pipeline_id) if collection.pipeline_id else None
    jobs = job_admin.list_jobs(session, team_id, collection=guid)[:20]
    return dashboard.render(
        request,
        "collection.html",
        viewer=viewer,
        title=collection.name,
        collection=collection,
        pipeline=pipeline,
        tools=applicable_tools(session, collection),
        charts=trend_charts(session, team_id, guid),
        jobs=jobs,
        results=job_admin.list_results(session, team_id, collection=guid)[:20],
    )


@router.post("/collections/{guid}/run")
def run_tool(guid: str, form: FormDep, viewer: ViewerDep, session: SessionDep) -> Response:
    """Queue a tool on the collection (or find it queued or running there already)."""
    queued = job_admin.run_tool(session, viewer.user, guid, form.text("tool"))
    notice = "queued" if queued.created else "running"
    return redirect(f"/collections/{guid}?notice={notice}#jobs")


@router.get("/results/{guid}")
def result_page(
    guid: str, request: Request, viewer: ViewerDep, session: SessionDep, dashboard: DashboardDep
) -> Response:
    result = job_admin.get_result(session, viewer.user.team_id, guid)
    collection = overview.collections_by_id(session, [result.collection_id]).get(
        result.collection_id or 0
    )
    return dashboard.render(
        request,
        "result.html",
        viewer=viewer,
        title=f"Result {result.guid}",
        result=result,
        collection=collection,
        kpis=result_kpis(result),
        error=job_admin.result_error(result),
    )
