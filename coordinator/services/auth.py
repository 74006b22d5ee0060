"""Users signing in: server-side web sessions and HS256 API tokens (JWTs) that can be revoked.

A session cookie carries a random 256-bit id; only its SHA-256 is stored. An API token's `jti` is
stored hashed too, so neither a cookie nor a token can be rebuilt from the database.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from ..errors import Forbidden, InvalidInput, NotFound, Unauthorized
from ..hashed_secrets import hash_secret
from ..ids import is_guid, new_guid
from ..models import ApiToken, Team, User, WebSession
from ..models.base import utcnow
from ..passwords import hash_password, verify_password
from ..signing import InvalidSignature, decode_jwt, encode_jwt
from . import audit, rate_limits

__all__ = [
    "SESSION_LIFETIME",
    "WRONG_CREDENTIALS",
    "IssuedToken",
    "SignedIn",
    "create_token",
    "list_tokens",
    "login",
    "logout",
    "require_admin",
    "revoke_token",
    "team_of",
    "user_for_session",
    "user_for_token",
]

SESSION_LIFETIME = timedelta(days=14)
TOUCH_INTERVAL = timedelta(minutes=1)
# The token and its user in one round trip (every call of the user API starts here).
_TOKEN_USER = (
    select(User, ApiToken)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.jti == bindparam("jti"))
)
WRONG_CREDENTIALS = "wrong email or password"


@dataclass(frozen=True)
class SignedIn:
    user: User
    team: Team
    session_id: str  # goes into the cookie, never into the database


@dataclass(frozen=True)
class IssuedToken:
    record: ApiToken
    token: str  # the JWT, shown once


@cache
def _decoy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def team_of(session: Session, user: User) -> Team:
    return session.get_one(Team, user.team_id)


def login(session: Session, email: str, password: str, address: str) -> SignedIn:
    """Check the credentials and open a web session; the same Unauthorized for any mismatch."""
    email = email.strip().lower()
    rate_limits.hit(session, rate_limits.LOGIN, f"addr:{address}", f"acct:{email}")
    user = session.scalar(select(User).where(User.email == email))
    # Hash anyway for an unknown email, so the answer time does not tell which accounts exist.
    matches = verify_password(password, user.password_hash if user else _decoy_hash())
    if user is None or not matches:
        raise Unauthorized(WRONG_CREDENTIALS)
    if not user.is_active:
        raise Unauthorized("this account is disabled: ask an admin of your team")
    now = utcnow()
    session.execute(
        delete(WebSession).where(WebSession.user_id == user.id, WebSession.expires_at < now)
    )
    session_id = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=hash_secret(session_id),
            user_id=user.id,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
            last_seen_at=now,
            address=address[:64],
        )
    )
    user.last_login_at = now
    rate_limits.forget(session, rate_limits.LOGIN, f"acct:{email}")
    rate_limits.forget(session, rate_limits.LOGIN, f"addr:{address}", latest_only=True)
    audit.record(
        session, user.team_id, "auth.login", user.guid, {"address": address}, user_id=user.id
    )
    session.commit()
    return SignedIn(user, team_of(session, user), session_id)


def logout(session: Session, session_id: str) -> None:
    """End the web session holding `session_id` (nothing happens for an unknown one)."""
    row = session.scalar(select(WebSession).where(WebSession.token_hash == hash_secret(session_id)))
    if row is None:
        return
    user = session.get_one(User, row.user_id)
    session.delete(row)
    audit.record(session, user.team_id, "auth.logout", user.guid, user_id=user.id)
    session.commit()


def user_for_session(session: Session, session_id: str) -> tuple[User, bool]:
    """The active user of a web session, and whether its expiry moved (to refresh the cookie)."""
    row = session.scalar(select(WebSession).where(WebSession.token_hash == hash_secret(session_id)))
    if row is None:
        raise Unauthorized("not signed in: the session ended, sign in again")
    now = utcnow()
    if row.expires_at <= now:
        session.execute(delete(WebSession).where(WebSession.id == row.id))
        session.commit()
        raise Unauthorized("the session expired: sign in again")
    user = session.get_one(User, row.user_id)
    if not user.is_active:
        raise Unauthorized("this account is disabled: ask an admin of your team")
    slid = now - row.last_seen_at >= TOUCH_INTERVAL
    if slid:
        # A statement rather than a flush: a logout racing with this request is not an error.
        session.execute(
            update(WebSession)
            .where(WebSession.id == row.id)
            .values(last_seen_at=now, expires_at=now + SESSION_LIFETIME)
        )
        session.commit()
    return user, slid


def user_for_token(session: Session, token: str, key: str) -> User:
    """The active user of an API token that verifies, has not expired and was not revoked."""
    try:
        claims = decode_jwt(token, key)
    except InvalidSignature as exc:
        raise Unauthorized(f"invalid API token ({exc})") from exc
    jti, subject = claims.get("jti"), claims.get("sub")
    if not isinstance(jti, str) or not isinstance(subject, str):
        raise Unauthorized("invalid API token (claims missing)")
    found = session.execute(_TOKEN_USER, {"jti": hash_secret(jti)}).first()
    if found is None:
        raise Unauthorized("unknown API token: create a new one")
    user, record = found
    if record.revoked_at is not None:
        raise Unauthorized("this API token was revoked: create a new one")
    now = utcnow()
    if record.expires_at is not None and record.expires_at <= now:
        raise Unauthorized("invalid API token (token expired)")
    if user.guid != subject or user.team_id != record.team_id:
        raise Unauthorized("invalid API token (claims do not match)")
    if not user.is_active:
        raise Unauthorized("this account is disabled: ask an admin of your team")
    if record.last_used_at is None or now - record.last_used_at >= TOUCH_INTERVAL:
        session.execute(update(ApiToken).where(ApiToken.id == record.id).values(last_used_at=now))
        session.commit()
    return user


def require_admin(user: User) -> User:
    if user.role != "admin":
        raise Forbidden("only an admin of the team can do this")
    return user


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    """The caller's API tokens, newest first (revoked ones included, marked as such)."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.team_id == user.team_id, ApiToken.user_id == user.id)
            .order_by(ApiToken.id.desc())
        )
    )


def create_token(
    session: Session, user: User, name: str, expires_days: int | None, key: str
) -> IssuedToken:
    """A new API token for `user`; the JWT is returned here and nowhere else."""
    name = name.strip()
    if not name:
        raise InvalidInput("give the token a name, such as the script that will use it")
    now = utcnow()
    jti = secrets.token_urlsafe(32)
    expires_at = now + timedelta(days=expires_days) if expires_days else None
    claims: dict[str, object] = {
        "sub": user.guid,
        "team": team_of(session, user).guid,
        "jti": jti,
        "iat": int(now.timestamp()),
    }
    if expires_at is not None:
        claims["exp"] = int(expires_at.timestamp())
    record = ApiToken(
        guid=new_guid("tok"),
        team_id=user.team_id,
        user_id=user.id,
        name=name,
        jti=hash_secret(jti),
        created_at=now,
        expires_at=expires_at,
    )
    session.add(record)
    session.flush()
    details = {"name": record.name, "expires_days": expires_days}
    audit.record(session, user.team_id, "token.created", record.guid, details, user_id=user.id)
    session.commit()
    return IssuedToken(record, encode_jwt(claims, key))


def revoke_token(session: Session, user: User, guid: str) -> None:
    """Revoke one of the caller's tokens; any other GUID is NotFound (never Forbidden)."""
    record = None
    if is_guid(guid, "tok"):
        record = session.scalar(
            select(ApiToken).where(
                ApiToken.guid == guid,
                ApiToken.team_id == user.team_id,
                ApiToken.user_id == user.id,
            )
        )
    if record is None:
        raise NotFound(f"no API token {guid}")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        audit.record(session, user.team_id, "token.revoked", guid, user_id=user.id)
        session.commit()
