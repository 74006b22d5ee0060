"""What every API body shares: unknown fields are an error, not silently dropped, and no text
may hold a NUL character (no database stores one; PostgreSQL fails on it). The agent protocol's
`Message` (common/agent_protocol.py) is that base; every other API body uses it too."""

from __future__ import annotations

from shuttersense.common.agent_protocol import Message, has_nul

__all__ = ["Body", "has_nul"]

Body = Message
