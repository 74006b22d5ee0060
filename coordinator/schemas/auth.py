"""Request and response bodies of `/api/auth`: sign-in, the current user, API tokens."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "LoginRequest",
    "TeamOut",
    "TokenCreate",
    "TokenCreated",
    "TokenOut",
    "UserOut",
]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginRequest(_Body):
    email: str = Field(min_length=1, max_length=320)
    # Bounded so that a huge body cannot make scrypt work for nothing.
    password: str = Field(min_length=1, max_length=1024)


class TeamOut(_Body):
    guid: str
    name: str


class UserOut(_Body):
    guid: str
    email: str
    role: str
    team: TeamOut
    last_login_at: datetime | None = None


class TokenCreate(_Body):
    name: str = Field(min_length=1, max_length=200)
    expires_days: int | None = Field(
        default=None, ge=1, le=3650, description="omit for a token that does not expire"
    )


class TokenOut(_Body):
    guid: str
    name: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="the JWT, shown once; the coordinator keeps only its id's hash")
