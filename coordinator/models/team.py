"""Teams, their users, web sessions and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, GuidMixin, TeamScoped, Timestamp, utcnow

__all__ = ["ApiToken", "Team", "User", "WebSession"]


class Team(GuidMixin, Base):
    __tablename__ = "teams"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # An IANA name: schedules are read in it.
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # Results older than this many days go (0: never), but each collection keeps its newest
    # `result_keep_last` analyses of every tool (docs/schedules.md says why these defaults).
    result_retention_days: Mapped[int] = mapped_column(Integer, default=90, server_default="90")
    result_keep_last: Mapped[int] = mapped_column(Integer, default=3, server_default="3")


class User(GuidMixin, TeamScoped, Base):
    __tablename__ = "users"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="member")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(Timestamp)


class WebSession(Base):
    """A signed-in browser; the cookie carries an id whose SHA-256 is stored here."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(Timestamp)
    last_seen_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    address: Mapped[str | None] = mapped_column(String(64))


class ApiToken(GuidMixin, TeamScoped, Base):
    """A user API token (a JWT); only its `jti` is stored, so it can be listed and revoked."""

    __tablename__ = "api_tokens"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    jti: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime | None] = mapped_column(Timestamp)
    last_used_at: Mapped[datetime | None] = mapped_column(Timestamp)
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)
