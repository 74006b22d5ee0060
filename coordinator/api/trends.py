"""Trends, `/api/trends/{tool}`: how a tool's numbers moved over the days, and a summary."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from shuttersense.common.results import ToolName

from ..schemas.trends import TrendOut, TrendSummaryOut
from ..services import trends
from ..services.trend_series import DEFAULT_LIMIT, MAX_LIMIT
from .deps import CurrentUser, SessionDep
from .routing import ApiRoute

__all__ = ["router"]

router = APIRouter(prefix="/api/trends", tags=["trends"], route_class=ApiRoute)

_RESPONSES = {
    401: {"description": "not signed in, or the token is invalid"},
    404: {"description": "a collection GUID that is not one of your team's"},
}

Collections = Annotated[
    list[str],
    Query(description="collection GUIDs, repeated or comma separated; 1–5 compare them"),
]
From = Annotated[date | None, Query(alias="from", description="first day (UTC)")]
To = Annotated[date | None, Query(alias="to", description="last day (UTC); default today")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="days shown when `from` is not given")]


def _query(
    tool: ToolName,
    collection_guids: Collections = [],  # noqa: B006 - FastAPI copies query defaults
    date_from: From = None,
    date_to: To = None,
    limit: Limit = DEFAULT_LIMIT,
) -> trends.TrendQuery:
    guids = [g.strip() for item in collection_guids for g in item.split(",") if g.strip()]
    return trends.TrendQuery(tool.value, tuple(dict.fromkeys(guids)), date_from, date_to, limit)


TrendQueryDep = Annotated[trends.TrendQuery, Depends(_query)]


@router.get("/{tool}", response_model=TrendOut, responses=_RESPONSES)
def get_trend(query: TrendQueryDep, user: CurrentUser, session: SessionDep) -> TrendOut:
    """Per collection (1–5 GUIDs: comparison) or summed over collections, day by day."""
    return TrendOut.model_validate(trends.trend(session, user.team_id, query))


@router.get("/{tool}/summary", response_model=TrendSummaryOut, responses=_RESPONSES)
def get_summary(query: TrendQueryDep, user: CurrentUser, session: SessionDep) -> TrendSummaryOut:
    """Which way the tool's headline value goes, and how long nothing has changed."""
    return TrendSummaryOut.model_validate(trends.summary(session, user.team_id, query))
