"""Registration tokens: one-time `art_…` secrets that let an agent enrol in a team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from ..errors import InvalidInput
from ..hashed_secrets import hash_secret, new_secret
from ..ids import new_guid
from ..models import RegistrationToken, Team
from ..models.base import utcnow
from . import audit

__all__ = [
    "DEFAULT_EXPIRY_HOURS",
    "MAX_EXPIRY_HOURS",
    "IssuedToken",
    "create_registration_token",
]

DEFAULT_EXPIRY_HOURS = 24
MAX_EXPIRY_HOURS = 7 * 24
TOKEN_PREFIX = "art_"  # noqa: S105 - a prefix, not a secret


@dataclass(frozen=True)
class IssuedToken:
    """The token as shown once to its creator, and its record."""

    token: str
    record: RegistrationToken


def create_registration_token(
    session: Session,
    team: Team,
    *,
    expires_hours: int = DEFAULT_EXPIRY_HOURS,
    created_by_id: int | None = None,
) -> IssuedToken:
    if not 1 <= expires_hours <= MAX_EXPIRY_HOURS:
        raise InvalidInput(f"a registration token expires within 1 to {MAX_EXPIRY_HOURS} hours")
    token = new_secret(TOKEN_PREFIX)
    record = RegistrationToken(
        guid=new_guid("rgt"),
        team_id=team.id,
        token_hash=hash_secret(token),
        created_by_id=created_by_id,
        expires_at=utcnow() + timedelta(hours=expires_hours),
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        team.id,
        "registration_token.created",
        record.guid,
        {"expires_hours": expires_hours},
        user_id=created_by_id,
    )
    session.commit()
    return IssuedToken(token, record)
