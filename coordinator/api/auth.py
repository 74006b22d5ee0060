"""User authentication, `/api/auth`: sign in and out, the current user, personal API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from ..errors import Unauthorized
from ..models import ApiToken, Team, User
from ..schemas.auth import LoginRequest, TeamOut, TokenCreate, TokenCreated, TokenOut, UserOut
from ..services import auth
from .deps import CurrentUser, SessionDep
from .routing import ApiRoute
from .session_cookie import (
    check_origin,
    clear_session_cookie,
    read_session_cookie,
    set_session_cookie,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/auth", tags=["auth"], route_class=ApiRoute)

_UNAUTHORIZED = {401: {"description": "not signed in, or the token is invalid"}}


def _user_out(user: User, team: Team) -> UserOut:
    return UserOut(
        guid=user.guid,
        email=user.email,
        role=user.role,
        team=TeamOut(guid=team.guid, name=team.name),
        last_login_at=user.last_login_at,
    )


def _token_out(record: ApiToken) -> TokenOut:
    return TokenOut(
        guid=record.guid,
        name=record.name,
        created_at=record.created_at,
        expires_at=record.expires_at,
        last_used_at=record.last_used_at,
        revoked_at=record.revoked_at,
    )


@router.post(
    "/login",
    response_model=UserOut,
    responses={401: {"description": "wrong email or password"}, 429: {"description": "wait"}},
)
def login(body: LoginRequest, request: Request, response: Response, session: SessionDep) -> UserOut:
    """Sign in with email and password; the session cookie comes with the answer."""
    address = request.client.host if request.client else "unknown"
    signed_in = auth.login(session, body.email, body.password, address)
    set_session_cookie(response, request.app.state.settings, signed_in.session_id)
    return _user_out(signed_in.user, signed_in.team)


@router.post("/logout", status_code=204)
def logout(request: Request, session: SessionDep) -> Response:
    """End this browser's session; harmless when already signed out."""
    settings = request.app.state.settings
    check_origin(request, settings)
    try:
        session_id = read_session_cookie(request, settings)
    except Unauthorized:  # a tampered cookie: nothing to end, clear it all the same
        session_id = None
    if session_id is not None:
        auth.logout(session, session_id)
    response = Response(status_code=204)
    clear_session_cookie(response, settings)
    return response


@router.get("/me", response_model=UserOut, responses=_UNAUTHORIZED)
def me(user: CurrentUser, session: SessionDep) -> UserOut:
    """The signed-in user and their team (session cookie or bearer API token)."""
    return _user_out(user, auth.team_of(session, user))


@router.get("/tokens", response_model=list[TokenOut], responses=_UNAUTHORIZED)
def list_tokens(user: CurrentUser, session: SessionDep) -> list[TokenOut]:
    """The caller's API tokens; the secret itself is never shown again."""
    return [_token_out(record) for record in auth.list_tokens(session, user)]


@router.post("/tokens", response_model=TokenCreated, status_code=201, responses=_UNAUTHORIZED)
def create_token(
    body: TokenCreate, request: Request, user: CurrentUser, session: SessionDep
) -> TokenCreated:
    """A new API token for scripts and the desktop app; copy it now, it is shown only here."""
    issued = auth.create_token(
        session, user, body.name, body.expires_days, request.app.state.settings.jwt_secret_key
    )
    return TokenCreated(**_token_out(issued.record).model_dump(), token=issued.token)


@router.delete(
    "/tokens/{guid}",
    status_code=204,
    responses={**_UNAUTHORIZED, 404: {"description": "no such token of yours"}},
)
def revoke_token(guid: str, user: CurrentUser, session: SessionDep) -> Response:
    """Revoke one of the caller's API tokens; it stops working at once."""
    auth.revoke_token(session, user, guid)
    return Response(status_code=204)
