"""Typed dependencies: route signatures read as their requirements."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from ..errors import Unauthorized
from ..models import Agent
from ..services.agents import authenticate_agent

__all__ = ["AgentDep", "SessionDep"]

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
