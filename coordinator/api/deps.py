"""Typed dependencies: route signatures read as their requirements."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import Depends, Request, WebSocket
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from ..errors import Forbidden, Unauthorized
from ..models import Agent
from ..models.team import User
from ..services import auth as auth_service
from ..services.agent_identity import CallingAgent, authenticate_agent, identify_agent
from .answers import UNAUTHORIZED, answers, problem
from .lane import Lane
from .session_cookie import (
    check_origin,
    origin_allowed,
    read_session_cookie,
    set_session_cookie,
)

__all__ = ["AgentCall", "AgentCallDep", "AgentDep", "AgentKey", "Now", "SessionDep"]
__all__ += ["AdminUser", "CallerTeam", "CurrentUser", "UserCall", "UserCallDep", "socket_user"]

_bearer = HTTPBearer(auto_error=False)
T = TypeVar("T")


async def _session(request: Request) -> AsyncIterator[Session]:
    # Async, so that FastAPI does not hand its opening and closing to the thread pool: two
    # thread switches per request. Closing does I/O only inside a transaction (a rollback).
    session = request.app.state.sessions()
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(session.close)
        else:
            session.close()


SessionDep = Annotated[Session, Depends(_session)]


async def _now(request: Request) -> datetime:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


Now = Annotated[datetime, Depends(_now)]  # the app's clock: tests set the time


@answers(UNAUTHORIZED)
async def _agent_key(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    if credentials is None or not credentials.credentials.startswith("agt_key_"):
        raise Unauthorized("send the agent key as `Authorization: Bearer agt_key_…`")
    return credentials.credentials


AgentKey = Annotated[str, Depends(_agent_key)]


def _agent(session: SessionDep, key: AgentKey) -> Agent:
    return authenticate_agent(session, key)


AgentDep = Annotated[Agent, Depends(_agent)]


@dataclass(frozen=True)
class AgentCall:
    """An agent's call done in one go on the lane (api/lane.py): a session, the agent's lookup,
    the work.

    The busiest routes (heartbeat, claim, progress, complete) use it instead of AgentDep and
    SessionDep, whose lookup takes a thread switch of its own, and it finds only the agent's id
    and team. A long poll's waiting holds no session and no connection: each attempt opens its
    own.
    """

    request: Request
    key: str

    def run(self, work: Callable[[Session, CallingAgent], T]) -> Awaitable[T]:
        return self.run_with_key(lambda session, key: work(session, identify_agent(session, key)))

    def run_with_key(self, work: Callable[[Session, str], T]) -> Awaitable[T]:
        """Run `work` with the session and the key: it authenticates the agent itself."""
        return _in_one_thread(self.request, lambda session: work(session, self.key))


def _in_one_thread(request: Request, work: Callable[[Session], T]) -> Awaitable[T]:
    def in_thread() -> T:
        with request.app.state.sessions() as session:
            return work(session)

    lane: Lane = request.app.state.lane
    return lane.run(in_thread)


async def _agent_call(request: Request, key: AgentKey) -> AgentCall:
    return AgentCall(request, key)


AgentCallDep = Annotated[AgentCall, Depends(_agent_call)]


_SIGNED_IN = (UNAUTHORIZED, problem(403, "a session cookie sent by a page of another site"))


@answers(*_SIGNED_IN)
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


@dataclass(frozen=True)
class UserCall:
    """A user's call done in one go on the lane: a session, the user's sign-in check, the work.

    For the user API's busiest write (queueing a job), instead of CurrentUser and SessionDep:
    one thread switch instead of two."""

    request: Request
    response: Response
    credentials: HTTPAuthorizationCredentials | None

    def run(self, work: Callable[[Session, User], T]) -> Awaitable[T]:
        def signed_in(session: Session) -> T:
            user = _current_user(self.request, self.response, session, self.credentials)
            return work(session, user)

        return _in_one_thread(self.request, signed_in)


@answers(*_SIGNED_IN)
async def _user_call(
    request: Request,
    response: Response,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> UserCall:
    return UserCall(request, response, credentials)


UserCallDep = Annotated[UserCall, Depends(_user_call)]
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


@answers(problem(403, "not an admin of the team, or a session cookie sent by another site"))
def _admin_user(user: CurrentUser) -> User:
    return auth_service.require_admin(user)


AdminUser = Annotated[User, Depends(_admin_user)]


@answers(*_SIGNED_IN)
def _caller_team(
    request: Request,
    response: Response,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> int:
    """The team id of the caller: an agent by its key, else a signed-in user (an API token or
    the session cookie)."""
    if credentials is not None and credentials.credentials.startswith("agt_key_"):
        return identify_agent(session, credentials.credentials).team_id
    return _current_user(request, response, session, credentials).team_id


CallerTeam = Annotated[int, Depends(_caller_team)]
