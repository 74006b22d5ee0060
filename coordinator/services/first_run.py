"""The first-run screen: an instance without any user lets one person create its first admin.

Two browsers submitting it at once cannot both succeed: each writes the same instance value in
the transaction that creates the admin, and the second write fails on its key.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import Conflict
from ..models import InstanceValue, User
from .accounts import create_user

__all__ = ["create_first_admin", "instance_empty"]

_MARKER = "first_admin"
_TAKEN = "this instance has its first admin already: sign in"


def instance_empty(session: Session) -> bool:
    """Whether no user exists yet (the first-run screen is open)."""
    return not session.scalar(select(exists().where(User.id.is_not(None))))


def create_first_admin(session: Session, email: str, password: str, team: str) -> User:
    """The admin of a new team named `team` (the default name when empty); Conflict once the
    instance has a user. Committed."""
    if not instance_empty(session):
        raise Conflict(_TAKEN)
    session.add(InstanceValue(name=_MARKER, value=email.strip().lower()))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(_TAKEN) from None
    return create_user(session, email, password, admin=True, team=team.strip() or None)
