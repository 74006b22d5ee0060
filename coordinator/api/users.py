"""The team's users, `/api/users` (admins), and the team itself, `/api/team`."""

from __future__ import annotations

from fastapi import APIRouter

from ..models import Team, User
from ..schemas.users import MemberCreate, MemberOut, MemberUpdate, TeamDetail, TeamRename
from ..services import team_admin
from ..services.lookup import in_team
from .deps import AdminUser, CurrentUser, SessionDep
from .routing import ApiRoute

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["users and team"], route_class=ApiRoute)

_ADMIN = {
    401: {"description": "not signed in, or the token is invalid"},
    403: {"description": "only an admin of the team can do this"},
}
_NOT_FOUND = {404: {"description": "no such user in your team"}}


def _member(user: User) -> MemberOut:
    return MemberOut(
        guid=user.guid,
        email=user.email,
        role=user.role,  # type: ignore[arg-type]
        is_active=user.is_active,
        last_login_at=user.last_login_at,
        created_at=user.created_at,
    )


@router.get("/users", response_model=list[MemberOut], responses=_ADMIN)
def list_users(admin: AdminUser, session: SessionDep) -> list[MemberOut]:
    """Everyone in the team, by email."""
    return [_member(user) for user in team_admin.team_users(session, admin.team_id)]


@router.post(
    "/users",
    response_model=MemberOut,
    status_code=201,
    responses={**_ADMIN, 409: {"description": "the email is taken"}},
)
def add_user(body: MemberCreate, admin: AdminUser, session: SessionDep) -> MemberOut:
    """A new user in the team, who signs in with this email and password."""
    return _member(team_admin.add_member(session, admin, body.email, body.password, body.role))


@router.get("/users/{guid}", response_model=MemberOut, responses={**_ADMIN, **_NOT_FOUND})
def get_user(guid: str, admin: AdminUser, session: SessionDep) -> MemberOut:
    return _member(in_team(session, User, admin.team_id, guid, "user"))


@router.patch(
    "/users/{guid}",
    response_model=MemberOut,
    responses={**_ADMIN, **_NOT_FOUND, 409: {"description": "the team would lose its last admin"}},
)
def update_user(guid: str, body: MemberUpdate, admin: AdminUser, session: SessionDep) -> MemberOut:
    """Change the role, or deactivate (sessions and API tokens end at once) or reactivate."""
    member = team_admin.update_member(
        session, admin, guid, role=body.role, is_active=body.is_active
    )
    return _member(member)


def _team(session: SessionDep, team: Team) -> TeamDetail:
    users, agents = team_admin.team_counts(session, team.id)
    return TeamDetail(guid=team.guid, name=team.name, active_users=users, agents=agents)


@router.get("/team", response_model=TeamDetail, responses={401: _ADMIN[401]})
def get_team(user: CurrentUser, session: SessionDep) -> TeamDetail:
    """The caller's team."""
    return _team(session, session.get_one(Team, user.team_id))


@router.patch(
    "/team",
    response_model=TeamDetail,
    responses={**_ADMIN, 409: {"description": "another team has that name"}},
)
def rename_team(body: TeamRename, admin: AdminUser, session: SessionDep) -> TeamDetail:
    return _team(session, team_admin.rename_team(session, admin, body.name))
