"""The agent registration a mode switch replaces, ended on the coordinator it leaves.

Settings' *Switch mode…* registers this computer with the new coordinator first (a failed
registration leaves the old one working, and Cancel leaves everything as it was), then ends the
old registration there with the old agent key, still in hand although the key store now holds
the new one. Without it the old coordinator would list the agent, offline, forever. Qt-free: it
runs on a worker thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from shuttersense.desktop.agent.agent_config import Identity
from shuttersense.desktop.agent.client import CoordinatorClient
from shuttersense.desktop.agent.context import AGENT_KEY, AgentContext
from shuttersense.desktop.agent.errors import AgentError, AuthRefused

__all__ = ["Ended", "ReplacedRegistration", "end_replaced", "registration_in_use"]

log = logging.getLogger(__name__)

_REVOKE_THERE = "an admin of that coordinator can revoke it in Settings > Agents."


@dataclass(frozen=True)
class ReplacedRegistration:
    identity: Identity
    where: str  # for the user: the coordinator's address, or "solo mode" (which shows none)
    key: str | None = field(default=None, repr=False)  # never logged


@dataclass(frozen=True)
class Ended:
    """What became of the replaced registration, for the user; `remains`: it is still there."""

    text: str = ""
    remains: bool = False


def registration_in_use(context: AgentContext, where: str | None) -> ReplacedRegistration | None:
    """This computer's registration before a switch, with its key when the key store has it."""
    identity = context.config.identity
    if identity is None:
        return None
    try:
        key = context.keys.get(AGENT_KEY)
    except AgentError as exc:  # the key store cannot be read: the registration cannot be ended
        log.warning("the agent key of the registration being replaced is unreadable: %s", exc)
        key = None
    return ReplacedRegistration(identity, where or identity.server_url, key)


def end_replaced(context: AgentContext, old: ReplacedRegistration | None) -> Ended:
    """End `old` on its coordinator once a new registration replaced it (nothing to tell when
    nothing was replaced)."""
    new = context.config.identity
    if old is None or (new is not None and new.agent_guid == old.identity.agent_guid):
        return Ended()
    named = f"The earlier registration of this computer ({old.identity.name}, {old.where})"
    if not old.key:
        return Ended(
            f"{named} remains, shown offline (its agent key was gone): {_REVOKE_THERE}", True
        )
    try:
        with CoordinatorClient(
            old.identity.server_url, old.key, transport=context.transport
        ) as client:
            client.deregister()
    except AuthRefused:
        return Ended(f"{named} had been revoked there already.")
    except AgentError as exc:
        log.warning("the earlier registration %s stays: %s", old.identity.agent_guid, exc)
        return Ended(f"{named} could not be ended ({exc}), so it remains: {_REVOKE_THERE}", True)
    log.info("the earlier registration %s was ended", old.identity.agent_guid)
    return Ended(f"{named} was ended there (its agent list shows it revoked).")
