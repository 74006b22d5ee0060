"""Everything a command needs about this agent, loaded on demand from its folders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import httpx
from cryptography.fernet import Fernet

from .agent_config import AgentConfig, Identity, load_config, save_config
from .client import CoordinatorClient
from .credentials import KeyStore, open_key_store
from .errors import NotRegistered
from .locations import AgentDirs
from .offline_store import OfflineStore
from .private_files import locked
from .roots import AuthorizedRoots

__all__ = ["AGENT_KEY", "AgentContext"]

AGENT_KEY = "agent_key"
_STORE_KEY = "offline_store_key"


@dataclass
class AgentContext:
    dirs: AgentDirs
    transport: httpx.BaseTransport | None = None  # tests answer without a network

    @classmethod
    def default(cls) -> AgentContext:
        return cls(AgentDirs.default())

    @cached_property
    def keys(self) -> KeyStore:
        return open_key_store(self.dirs.config, saved=self.config.key_store)

    @property
    def config(self) -> AgentConfig:
        return load_config(self.dirs.config)

    def save(self, config: AgentConfig) -> None:
        save_config(self.dirs.config, config)

    def roots(self) -> AuthorizedRoots:
        return AuthorizedRoots.load(self.config.roots)

    def identity(self) -> Identity:
        identity = self.config.identity
        if identity is None:
            raise NotRegistered()
        return identity

    def connector(self) -> Callable[[], CoordinatorClient]:
        """Makes clients that speak as this agent; NotRegistered without identity or key."""
        identity = self.identity()
        key = self.keys.get(AGENT_KEY)
        if not key:
            raise NotRegistered()
        return lambda: CoordinatorClient(
            identity.server_url, key, transport=self.transport, roots=self._reported_roots
        )

    def _reported_roots(self) -> list[str]:
        return self.roots().reported()

    def client(self) -> CoordinatorClient:
        return self.connector()()

    @cached_property
    def store(self) -> OfflineStore:
        with locked(self.dirs.config / "store-key.lock"):  # one key, however many processes
            secret = self.keys.get(_STORE_KEY)
            if secret is None:
                secret = Fernet.generate_key().decode()
                self.keys.set(_STORE_KEY, secret)
        return OfflineStore(self.dirs.data / "agent.db", secret.encode())
