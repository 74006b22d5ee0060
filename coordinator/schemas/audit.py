"""The audit log as the API shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from .base import Body

__all__ = ["AuditEventOut"]


class AuditEventOut(Body):
    guid: str
    action: str
    target: str | None
    actor_user: str | None
    actor_agent: str | None
    details: dict[str, Any]
    address: str | None = Field(description="the client address of the request; null if none")
    created_at: datetime
