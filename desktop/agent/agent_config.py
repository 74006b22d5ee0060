"""The agent's own settings file: which coordinator, who it is there, which folders it may read.

Kept as JSON in the config folder and replaced atomically, so a crash never leaves half a file.
The agent key is not here: it lives in the key store (credentials.py); `key_store` is "file"
when registration had to put it into the encrypted file because the OS keyring failed.
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
    key_store: str | None = None

    def with_roots(self, roots: tuple[str, ...]) -> AgentConfig:
        return replace(self, roots=roots)

    def with_identity(self, identity: Identity, key_store: str | None = None) -> AgentConfig:
        """A new registration, its key in `key_store` ("file"), or where the store is chosen
        as usual (None)."""
        return replace(self, identity=identity, key_store=key_store)


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
        roots = tuple(str(root) for root in data.get("roots", ()))
        key_store = data.get("key_store")
    except (TypeError, KeyError, AttributeError) as exc:
        raise AgentError(f"{path} is not an agent config ({exc}); register again") from None
    if key_store not in (None, "file"):
        raise AgentError(
            f'{path}: key_store must be "file" or null, not {key_store!r}; fix it or register again'
        )
    return AgentConfig(identity, roots, key_store)


def save_config(folder: Path, config: AgentConfig) -> None:
    """Write atomically, readable by this user only."""
    path = folder / _FILE
    data: dict[str, Any] = {
        "identity": asdict(config.identity) if config.identity else None,
        "roots": list(config.roots),
    }
    if config.key_store is not None:
        data["key_store"] = config.key_store
    write_private(path, json.dumps(data, indent=2).encode())
