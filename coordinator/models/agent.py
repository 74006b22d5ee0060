"""Agents and the one-time registration tokens that enrol them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, GuidMixin, TeamScoped, Timestamp

__all__ = ["Agent", "RegistrationToken"]


class RegistrationToken(GuidMixin, TeamScoped, Base):
    """An `art_…` token: stored as its SHA-256, usable once, until it expires."""

    __tablename__ = "registration_tokens"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(Timestamp)
    used_at: Mapped[datetime | None] = mapped_column(Timestamp)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))


class Agent(GuidMixin, TeamScoped, Base):
    """A machine that runs analyses; its `agt_key_…` secret is stored as a SHA-256."""

    __tablename__ = "agents"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    hostname: Mapped[str] = mapped_column(String(255), default="")
    platform: Mapped[str] = mapped_column(String(100), default="")
    version: Mapped[str] = mapped_column(String(50), default="")
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    capabilities: Mapped[list[Any]] = mapped_column(default=list)
    authorized_roots: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="offline")
    last_heartbeat_at: Mapped[datetime | None] = mapped_column(Timestamp)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp)
