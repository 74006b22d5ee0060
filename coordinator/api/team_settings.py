"""The team's settings, `/api/team/settings` (time zone, result retention): everyone reads
them, admins change them."""

from __future__ import annotations

from fastapi import APIRouter

from ..models import Team
from ..schemas.schedules import TeamSettingsOut, TeamSettingsUpdate
from ..services import team_settings
from .deps import AdminUser, CurrentUser, Now, SessionDep
from .routing import ApiRoute

__all__ = ["router"]

router = APIRouter(prefix="/api/team", tags=["users and team"], route_class=ApiRoute)

_UNAUTHORIZED = {401: {"description": "not signed in, or the token is invalid"}}


def _out(team: Team) -> TeamSettingsOut:
    return TeamSettingsOut(
        time_zone=team.time_zone,
        result_retention_days=team.result_retention_days,
        result_keep_last=team.result_keep_last,
    )


@router.get("/settings", response_model=TeamSettingsOut, responses=_UNAUTHORIZED)
def get_settings(user: CurrentUser, session: SessionDep) -> TeamSettingsOut:
    return _out(team_settings.team_settings(session, user.team_id))


@router.patch(
    "/settings",
    response_model=TeamSettingsOut,
    responses={
        **_UNAUTHORIZED,
        403: {"description": "only an admin of the team can do this"},
        422: {"description": "not an IANA time zone name, or a value out of range"},
    },
)
def update_settings(
    body: TeamSettingsUpdate, admin: AdminUser, session: SessionDep, now: Now
) -> TeamSettingsOut:
    """Change the settings given. A new time zone moves every schedule's next run; a shorter
    retention lets the sweeper delete the results it no longer keeps, a batch at a time."""
    team = team_settings.update_team_settings(
        session,
        admin,
        now,
        zone_name=body.time_zone,
        retention_days=body.result_retention_days,
        keep_last=body.result_keep_last,
    )
    return _out(team)
