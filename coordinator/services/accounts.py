"""Teams and users: the first user of an empty instance becomes the admin of a new team."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import Conflict, InvalidInput, NotFound
from ..ids import new_guid
from ..models import Team, User
from ..passwords import hash_password
from . import audit

__all__ = ["DEFAULT_TEAM", "MIN_PASSWORD_LENGTH", "create_user", "find_team", "reset_password"]

DEFAULT_TEAM = "My team"
MIN_PASSWORD_LENGTH = 8
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def find_team(session: Session, name: str | None) -> Team:
    """The named team, or the only team when no name is given."""
    if name is not None:
        team = session.scalar(select(Team).where(Team.name == name))
        if team is None:
            raise NotFound(f"no team named {name!r}")
        return team
    teams = session.scalars(select(Team).limit(2)).all()
    if len(teams) != 1:
        raise InvalidInput("several teams exist: say which one with --team NAME")
    return teams[0]


def create_user(
    session: Session,
    email: str,
    password: str,
    *,
    admin: bool = False,
    team: str | None = None,
    actor: User | None = None,
) -> User:
    """Create a user, and its team when the instance is empty or `team` names a new one.

    The first user of an instance, and the creator of a new team, is that team's admin.
    """
    email = email.strip().lower()
    if not _EMAIL.fullmatch(email):
        raise InvalidInput(f"{email!r} is not an email address")
    _check_password(password)
    if session.scalar(select(User).where(User.email == email)) is not None:
        raise Conflict(f"a user with email {email} exists already")
    first_user = session.scalar(select(func.count()).select_from(User)) == 0
    existing = session.scalar(select(Team).where(Team.name == team)) if team else None
    if existing is None and (first_user or team):
        existing = Team(guid=new_guid("ten"), name=team or DEFAULT_TEAM)
        session.add(existing)
        session.flush()
        admin = True
    elif existing is None:
        existing = find_team(session, None)
    user = User(
        guid=new_guid("usr"),
        team_id=existing.id,
        email=email,
        password_hash=hash_password(password),
        role="admin" if admin else "member",
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        existing.id,
        "user.created",
        user.guid,
        {"email": email, "role": user.role},
        user_id=actor.id if actor else None,
    )
    session.commit()
    return user


def reset_password(session: Session, email: str, password: str) -> User:
    """Give the user a new password (an administrator's command, for a password that is lost).
    The user's API tokens stay valid: revoke them in the dashboard if they may be lost too."""
    email = email.strip().lower()
    _check_password(password)
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        raise NotFound(f"no user with email {email}")
    user.password_hash = hash_password(password)
    audit.record(session, user.team_id, "user.password_reset", user.guid, {"email": email})
    session.commit()
    return user
