"""Which notifications each user wants: job failed, results ready, agent offline, collection
got worse. Results ready is opt-in (a busy team finishes many jobs); the others are on until
the user turns them off."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import PushPreference, User
from ..models.base import utcnow
from . import audit

__all__ = ["DEFAULTS", "KINDS", "preferences", "set_preferences", "users_wanting"]

KINDS = ("job_failed", "results_ready", "agent_offline", "collection_worse")
DEFAULTS = {
    "job_failed": True,
    "results_ready": False,
    "agent_offline": True,
    "collection_worse": True,
}


def _row(session: Session, user: User) -> PushPreference | None:
    return session.scalar(select(PushPreference).where(PushPreference.user_id == user.id))


def preferences(session: Session, user: User) -> dict[str, bool]:
    """The user's choices, the defaults where they made none."""
    row = _row(session, user)
    if row is None:
        return dict(DEFAULTS)
    return {kind: bool(getattr(row, kind)) for kind in KINDS}


def set_preferences(session: Session, user: User, changes: Mapping[str, bool]) -> dict[str, bool]:
    """Change some of the user's choices (the others stay as they are). Committed."""
    chosen = {**preferences(session, user), **{k: bool(v) for k, v in changes.items()}}
    row = _row(session, user)
    if row is None:
        row = PushPreference(team_id=user.team_id, user_id=user.id, **chosen)
        session.add(row)
    for kind in KINDS:
        setattr(row, kind, chosen[kind])
    row.updated_at = utcnow()
    audit.record(session, user.team_id, "push.preferences", user.guid, chosen, user_id=user.id)
    session.commit()
    return chosen


def users_wanting(session: Session, team_id: int, kind: str) -> set[int]:
    """The ids of the team's active users who want `kind`."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    column = getattr(PushPreference, kind)
    rows = session.execute(
        select(User.id, column)
        .outerjoin(PushPreference, PushPreference.user_id == User.id)
        .where(User.team_id == team_id, User.is_active.is_(True))
    )
    return {user_id for user_id, wanted in rows if (DEFAULTS[kind] if wanted is None else wanted)}
