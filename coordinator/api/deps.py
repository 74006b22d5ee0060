"""Typed dependencies: route signatures read as their requirements."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request, WebSocket
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from ..errors import Forbidden, Unauthorized
from ..models import Agent
from ..models.team import User
from ..services import auth as auth_service
from ..services.agents import authenticate_agent
from .session_cookie import (
    check_origin,
    origin_allowed,
    read_session_cookie,
    set_session_cookie,
)

__all__ = ["AgentDep", "SessionDep"]
__all__ += ["AdminUser", "CurrentUser", "socket_user"]

_bearer = HTTPBearer(auto_error=False)


def _session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(_session)]


def _agent(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Agent:
    if credentials is None or not credentials.credentials.startswith("agt_key_"):
        raise Unauthorized("send the agent key as `Authorization: Bearer agt_key_…`")
    return authenticate_agent(session, credentials.credentials)


AgentDep = Annotated[Agent, Depends(_agent)]


def _current_user(
    request: Request,
    response: Response,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The signed-in user: a bearer API token (JWT) first, else the session cookie."""
    settings = request.app.state.settings
    if credentials is not None:
        return _token_user(session, credentials.credentials, settings.jwt_secret_key)
    session_id = read_session_cookie(request, settings)
    if session_id is None:
        raise Unauthorized("sign in, or send an API token as `Authorization: Bearer …`")
    check_origin(request, settings)
    user, slid = auth_service.user_for_session(session, session_id)
    if slid:  # the expiry moved on: so does the cookie's
        set_session_cookie(response, settings, session_id)
    return user


CurrentUser = Annotated[User, Depends(_current_user)]


def _token_user(session: Session, token: str, key: str) -> User:
    if token.startswith("agt_key_"):
        raise Unauthorized("an agent key cannot call the user API: use an API token")
    return auth_service.user_for_token(session, token, key)


def socket_user(websocket: WebSocket, session: Session) -> User:
    """The user of a WebSocket: an API token (`?token=…` or `Authorization: Bearer …`), else
    the session cookie, sent by a page of this site only (browsers cannot set headers on a
    WebSocket, and they send cookies to it from any site)."""
    settings = websocket.app.state.settings
    scheme, _, bearer = websocket.headers.get("authorization", "").partition(" ")
    token = websocket.query_params.get("token") or (bearer if scheme.lower() == "bearer" else "")
    if token:
        return _token_user(session, token.strip(), settings.jwt_secret_key)
    session_id = read_session_cookie(websocket, settings)
    if session_id is None:
        raise Unauthorized("sign in, or pass an API token as `?token=…`")
    if not origin_allowed(websocket, settings):
        raise Forbidden("a page of another site cannot open this socket")
    return auth_service.user_for_session(session, session_id)[0]


def _admin_user(user: CurrentUser) -> User:
    return auth_service.require_admin(user)


AdminUser = Annotated[User, Depends(_admin_user)]
