"""A team's own administration: its members (add, change role, deactivate) and its name.

A team always keeps at least one active admin: the change that would leave it without one is
refused. A deactivated user can no longer sign in, and their sessions and API tokens end at once.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import Conflict, InvalidInput
from ..models import Agent, ApiToken, Team, User, WebSession
from ..models.base import utcnow
from . import audit
from .accounts import create_user
from .lookup import in_team

__all__ = ["ROLES", "add_member", "rename_team", "team_counts", "team_users", "update_member"]

ROLES = ("admin", "member")


def team_users(session: Session, team_id: int) -> list[User]:
    return list(session.scalars(select(User).where(User.team_id == team_id).order_by(User.email)))


def team_counts(session: Session, team_id: int) -> tuple[int, int]:
    """(active users, agents not revoked) of the team."""
    users = session.scalar(
        select(func.count()).where(User.team_id == team_id, User.is_active.is_(True))
    )
    agents = session.scalar(
        select(func.count()).where(Agent.team_id == team_id, Agent.revoked_at.is_(None))
    )
    return users or 0, agents or 0


def add_member(session: Session, admin: User, email: str, password: str, role: str) -> User:
    """A new user in the admin's team."""
    team = session.get_one(Team, admin.team_id)
    return create_user(session, email, password, admin=role == "admin", team=team.name, actor=admin)


def _active_admins(session: Session, team_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                User.team_id == team_id, User.role == "admin", User.is_active.is_(True)
            )
        )
        or 0
    )


def update_member(
    session: Session, admin: User, guid: str, *, role: str | None, is_active: bool | None
) -> User:
    """Change a member's role or whether they may sign in."""
    member = in_team(session, User, admin.team_id, guid, "user")
    if role is not None and role not in ROLES:
        raise InvalidInput(f"a role is one of {', '.join(ROLES)}")
    was_admin = member.role == "admin" and member.is_active
    changes = {}
    if role is not None and role != member.role:
        changes["role"] = [member.role, role]
        member.role = role
    if is_active is not None and is_active != member.is_active:
        changes["is_active"] = [member.is_active, is_active]
        member.is_active = is_active
    still_admin = member.role == "admin" and member.is_active
    session.flush()
    if was_admin and not still_admin and _active_admins(session, admin.team_id) == 0:
        session.rollback()
        raise Conflict("the team needs an active admin: make someone else admin first")
    if member.is_active is False and "is_active" in changes:
        session.execute(delete(WebSession).where(WebSession.user_id == member.id))
        session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == member.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    if changes:
        audit.record(session, admin.team_id, "user.updated", member.guid, changes, user_id=admin.id)
    session.commit()
    return member


def rename_team(session: Session, admin: User, name: str) -> Team:
    team = session.get_one(Team, admin.team_id)
    old = team.name
    team.name = name
    renamed = {"from": old, "to": name}
    audit.record(session, team.id, "team.renamed", team.guid, renamed, user_id=admin.id)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(f"another team is named {name!r}") from None
    return team
