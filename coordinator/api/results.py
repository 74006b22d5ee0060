"""Results, `/api/results`: list, read, the HTML report, JSON and CSV export, delete (admins)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse

from ..models import Result
from ..schemas.jobs import ResultDetail, ResultOut
from ..services import job_admin, retention
from .deps import AdminUser, CurrentUser, SessionDep
from .routing import ApiRoute

__all__ = ["REPORT_HEADERS", "router"]

router = APIRouter(prefix="/api/results", tags=["results"], route_class=ApiRoute)

_UNAUTHORIZED = {401: {"description": "not signed in, or the token is invalid"}}
_NOT_FOUND = {404: {"description": "no such result in your team"}}
_NOTHING = {409: {"description": "a failed or cancelled result has nothing to render"}}
# The page carries the same policy in a meta tag; the header covers browsers opening it directly,
# and lets only the dashboard's own pages frame it (a meta tag cannot say that).
REPORT_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
}


def _result_out(result: Result, collection_guid: str | None) -> ResultOut:
    return ResultOut(
        guid=result.guid,
        tool=result.tool,
        status=result.status,
        collection=collection_guid,
        files_scanned=result.files_scanned,
        issues_found=result.issues_found,
        input_state_hash=result.input_state_hash,
        no_change_copy=result.no_change_copy,
        error=job_admin.result_error(result),
        created_at=result.created_at,
    )


@router.get(
    "",
    response_model=list[ResultOut],
    responses={**_UNAUTHORIZED, 404: {"description": "no such collection in your team"}},
)
def list_results(
    user: CurrentUser,
    session: SessionDep,
    collection: Annotated[str | None, Query(description="only results of this collection")] = None,
    tool: Annotated[str | None, Query(description="only results of this tool")] = None,
) -> list[ResultOut]:
    """The team's results, newest first (at most 200)."""
    found = job_admin.list_results(session, user.team_id, collection=collection, tool=tool)
    guids = job_admin.collection_guids(session, (r.collection_id for r in found))
    return [_result_out(r, guids.get(r.collection_id or 0)) for r in found]


@router.get("/{guid}", response_model=ResultDetail, responses={**_UNAUTHORIZED, **_NOT_FOUND})
def get_result(guid: str, user: CurrentUser, session: SessionDep) -> ResultDetail:
    """One result with the stored JSON."""
    result = job_admin.get_result(session, user.team_id, guid)
    guids = job_admin.collection_guids(session, [result.collection_id])
    summary = _result_out(result, guids.get(result.collection_id or 0))
    return ResultDetail(**summary.model_dump(), results=result.results_json)


@router.get(
    "/{guid}/report",
    response_class=HTMLResponse,
    responses={**_UNAUTHORIZED, **_NOT_FOUND, **_NOTHING},
)
def get_report(guid: str, user: CurrentUser, session: SessionDep) -> HTMLResponse:
    """The self-contained HTML report, rendered from the stored result."""
    page = job_admin.render_result_report(session, user.team_id, guid)
    return HTMLResponse(page, headers=REPORT_HEADERS)


@router.get(
    "/{guid}/export",
    responses={
        **_UNAUTHORIZED,
        **_NOT_FOUND,
        **_NOTHING,
        200: {"content": {"application/json": {}, "text/csv": {}}},
    },
)
def export_result(
    guid: str,
    user: CurrentUser,
    session: SessionDep,
    kind: Annotated[Literal["json", "csv"], Query(alias="format")] = "json",
) -> Response:
    """The stored result as a JSON file, or its main list as CSV."""
    result = job_admin.get_result(session, user.team_id, guid)
    name = f"{result.guid}-{result.tool}.{kind}"  # GUID and tool: no quoting needed
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if kind == "csv":
        body = job_admin.export_csv(result)
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
    return Response(job_admin.export_json(result), media_type="application/json", headers=headers)


@router.delete(
    "/{guid}",
    status_code=204,
    responses={
        **_UNAUTHORIZED,
        403: {"description": "only an admin of the team can do this"},
        **_NOT_FOUND,
    },
)
def delete_result(guid: str, admin: AdminUser, session: SessionDep) -> Response:
    """Delete the result with its job. NO_CHANGE copies of it stay readable: each holds its
    own copy of the JSON."""
    retention.delete_result(session, admin, guid)
    return Response(status_code=204)
