"""What every API body shares: unknown fields are an error, not silently dropped."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Body"]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")
