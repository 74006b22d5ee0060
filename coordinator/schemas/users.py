"""Request and response bodies of `/api/users` and `/api/team`."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from .base import Body

__all__ = ["MemberCreate", "MemberOut", "MemberUpdate", "TeamDetail", "TeamRename"]

Role = Literal["admin", "member"]


class MemberOut(Body):
    guid: str
    email: str
    role: Role
    is_active: bool
    last_login_at: datetime | None
    created_at: datetime


class MemberCreate(Body):
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=8, max_length=1000)
    role: Role = "member"


class MemberUpdate(Body):
    role: Role | None = None
    is_active: bool | None = Field(default=None, description="false: cannot sign in any more")


class TeamDetail(Body):
    guid: str
    name: str
    active_users: int
    agents: int


class TeamRename(Body):
    name: str = Field(min_length=1, max_length=200)
