"""Values that belong to the coordinator instance as a whole, not to a team."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Timestamp, utcnow

__all__ = ["InstanceValue"]


class InstanceValue(Base):
    """A named value, written once: the development VAPID keys (encrypted with the master key),
    the marker that the first-run screen was used. The name is the key, so of two instances
    writing the same name at once, one wins and the other reads what it wrote."""

    __tablename__ = "instance_values"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
