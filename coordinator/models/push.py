"""Web push: what each user wants to be told, and the notifications waiting to be sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, TeamScoped, Timestamp, utcnow

__all__ = ["PushDelivery", "PushPreference"]


class PushPreference(TeamScoped, Base):
    """Which kinds of notification a user wants; a user without a row has the defaults
    (services/push_preferences.py)."""

    __tablename__ = "push_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    job_failed: Mapped[bool] = mapped_column(Boolean)
    results_ready: Mapped[bool] = mapped_column(Boolean)
    agent_offline: Mapped[bool] = mapped_column(Boolean)
    collection_worse: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


class PushDelivery(Base):
    """One notification for one subscription, until it is sent or given up.

    `event_key` names the event it tells of: every coordinator instance hears every event, and
    the unique (subscription, event) pair lets only the first of them queue it. A sender claims
    a row until `claimed_until` (`claim_token` says which claim took it); a sender that dies
    leaves it to be claimed again after that. A row sent or given up keeps its key (`done_at`
    set) for a while, so that an instance hearing the event late cannot queue it again.
    """

    __tablename__ = "push_deliveries"
    __table_args__ = (UniqueConstraint("subscription_id", "event_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("push_subscriptions.id", ondelete="CASCADE")
    )
    event_key: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(Timestamp, index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(Timestamp)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    done_at: Mapped[datetime | None] = mapped_column(Timestamp)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
