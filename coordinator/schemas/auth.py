"""Request and response bodies of `/api/auth`: sign-in, the current user, API tokens."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from .base import Body

__all__ = [
    "LoginRequest",
    "TeamOut",
    "TokenCreate",
    "TokenCreated",
    "TokenOut",
    "UserOut",
]


class LoginRequest(Body):
    email: str = Field(min_length=1, max_length=320)
    # Bounded so that a huge body cannot make scrypt work for nothing.
    password: str = Field(min_length=1, max_length=1024)


class TeamOut(Body):
    guid: str
    name: str


class UserOut(Body):
    guid: str
    email: str
    role: str
    team: TeamOut
    last_login_at: datetime | None = None


class TokenCreate(Body):
    name: str = Field(min_length=1, max_length=200)
    expires_days: int | None = Field(
        default=None, ge=1, le=3650, description="omit for a token that does not expire"
    )


class TokenOut(Body):
    guid: str
    name: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="the JWT, shown once; the coordinator keeps only its id's hash")
