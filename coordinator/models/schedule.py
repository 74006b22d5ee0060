"""Collection schedules: when a collection's tools are queued by themselves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, TeamScoped, Timestamp, utcnow

__all__ = ["CollectionSchedule"]


class CollectionSchedule(TeamScoped, Base):
    """Hourly at `minute`, daily at `hour`:`minute`, or weekly on `weekday` (0 is Monday) at
    `hour`:`minute`, read in the team's time zone. `next_run_at` is the next due time, in UTC;
    a collection without a row has no schedule."""

    __tablename__ = "collection_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    minute: Mapped[int] = mapped_column(Integer)
    hour: Mapped[int | None] = mapped_column(Integer)
    weekday: Mapped[int | None] = mapped_column(Integer)
    next_run_at: Mapped[datetime] = mapped_column(Timestamp, index=True)
    last_run_at: Mapped[datetime | None] = mapped_column(Timestamp)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
