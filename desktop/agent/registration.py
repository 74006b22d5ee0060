"""Enrolling this machine with a coordinator: one-time token in, identity and key stored."""

from __future__ import annotations

import platform
import socket

from shuttersense.common import __version__
from shuttersense.common.results import ToolName

from .agent_config import Identity
from .client import CoordinatorClient
from .context import AGENT_KEY, AgentContext
from .errors import AgentError

__all__ = ["CAPABILITIES", "register"]

CAPABILITIES = tuple(f"tool:{tool.value}" for tool in ToolName)


def register(context: AgentContext, server_url: str, token: str, name: str) -> Identity:
    """Register; the key goes to the key store, the rest to the config file."""
    body = {
        "registration_token": token,
        "name": name,
        "hostname": socket.gethostname()[:255],
        "platform": f"{platform.system()} {platform.machine()}"[:100],
        "version": __version__,
        "capabilities": list(CAPABILITIES),
        "authorized_roots": context.roots().reported(),
    }
    try:
        client = CoordinatorClient(server_url, transport=context.transport)
    except ValueError as exc:  # not an http(s) URL: tell the user, no traceback
        raise AgentError(str(exc)) from None
    with client:
        answer = client.register(body)
        identity = Identity(
            server_url=client.server_url,
            agent_guid=answer["agent_guid"],
            team_guid=answer["team_guid"],
            name=name,
            heartbeat_interval=int(answer["heartbeat_interval"]),
            poll_interval=int(answer["poll_interval"]),
        )
    context.keys.set(AGENT_KEY, answer["agent_key"])
    context.save(context.config.with_identity(identity))
    return identity
