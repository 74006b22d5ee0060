"""The team's settings, `/api/team/settings`: everyone reads them, admins change them."""

from __future__ import annotations

from fastapi import APIRouter

from ..models import Team
from ..schemas.schedules import TeamSettingsOut, TeamSettingsUpdate
from ..services import team_settings
from .deps import AdminUser, CurrentUser, Now, SessionDep

__all__ = ["router"]

router = APIRouter(prefix="/api/team", tags=["users and team"])

_UNAUTHORIZED = {401: {"description": "not signed in, or the token is invalid"}}


def _out(team: Team) -> TeamSettingsOut:
    return TeamSettingsOut(time_zone=team.time_zone)


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
    """Change the settings given. A new time zone moves every schedule's next run."""
    team = team_settings.update_team_settings(session, admin, zone_name=body.time_zone, now=now)
    return _out(team)
