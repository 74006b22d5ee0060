"""Errors of the agent runtime.

    AgentError
    ├── NotRegistered           no identity or key on this machine: run `register` first
    ├── CredentialError         the key store cannot be read or written
    ├── PathNotAuthorized       a path lies outside the authorized roots (or cannot be resolved)
    ├── JobCancelled            the coordinator or the user asked the running job to stop
    └── CoordinatorCallFailed   talking to the coordinator failed
        ├── CoordinatorUnreachable  no answer (down, network, timeout): worth retrying later
        └── CoordinatorRefused      it answered with an error status
            ├── AuthRefused         401/403: bad, revoked or expired key or token
            └── ClaimLost           409: the job was given to another run or has ended

httpx and sqlite errors are translated into these once, where they happen.
"""

from __future__ import annotations

__all__ = [
    "AgentError",
    "AuthRefused",
    "ClaimLost",
    "CoordinatorCallFailed",
    "CoordinatorRefused",
    "CoordinatorUnreachable",
    "CredentialError",
    "JobCancelled",
    "NotRegistered",
    "PathNotAuthorized",
]


class AgentError(Exception):
    """Base of every error the agent raises on purpose; the message says what to do."""


class NotRegistered(AgentError):
    def __init__(self) -> None:
        super().__init__(
            "this agent is not registered: run "
            "`shuttersense-agent register --server URL --token art_… --name NAME`"
        )


class CredentialError(AgentError):
    pass


class PathNotAuthorized(AgentError):
    pass


class JobCancelled(AgentError):
    pass


class CoordinatorCallFailed(AgentError):
    pass


class CoordinatorUnreachable(CoordinatorCallFailed):
    pass


class CoordinatorRefused(CoordinatorCallFailed):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"the coordinator refused ({status}): {detail}")
        self.status = status
        self.detail = detail


class AuthRefused(CoordinatorRefused):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(status, detail)
        self.args = (
            f"the coordinator refused this agent ({status}): {detail}; if the agent was revoked "
            "or its token expired, register again with a new token",
        )


class ClaimLost(CoordinatorRefused):
    pass
