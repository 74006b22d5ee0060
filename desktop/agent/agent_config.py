"""The agent's own settings file: which coordinator, who it is there, which folders it may read.

Kept as JSON in the config folder and replaced atomically, so a crash never leaves half a file.
The agent key is not here: it lives in the key store (credentials.py).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import AgentError
from .private_files import write_private

__all__ = ["AgentConfig", "Identity", "load_config", "save_config"]

_FILE = "config.json"


@dataclass(frozen=True)
class Identity:
    """What registration gave this agent."""

    server_url: str
    agent_guid: str
    team_guid: str
    name: str
    heartbeat_interval: int = 30
    poll_interval: int = 30


@dataclass(frozen=True)
class AgentConfig:
    identity: Identity | None = None
    roots: tuple[str, ...] = field(default_factory=tuple)

    def with_roots(self, roots: tuple[str, ...]) -> AgentConfig:
        return replace(self, roots=roots)

    def with_identity(self, identity: Identity) -> AgentConfig:
        return replace(self, identity=identity)


def load_config(folder: Path) -> AgentConfig:
    """The stored settings; an empty config when none were saved yet."""
    path = folder / _FILE
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return AgentConfig()
    except (OSError, ValueError) as exc:
        raise AgentError(
            f"cannot read {path} ({exc}); fix or delete it and register again"
        ) from None
    try:
        identity = Identity(**data["identity"]) if data.get("identity") else None
        return AgentConfig(identity, tuple(str(root) for root in data.get("roots", ())))
    except (TypeError, KeyError, AttributeError) as exc:
        raise AgentError(f"{path} is not an agent config ({exc}); register again") from None


def save_config(folder: Path, config: AgentConfig) -> None:
    """Write atomically, readable by this user only."""
    path = folder / _FILE
    data = {
        "identity": asdict(config.identity) if config.identity else None,
        "roots": list(config.roots),
    }
    write_private(path, json.dumps(data, indent=2).encode())
