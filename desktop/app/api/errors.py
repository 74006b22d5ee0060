"""Errors of the app's API layer: every httpx failure and error status, translated once.

ApiError                  base; the message says what happened and what to do next
├── ServerUnreachable     no answer (down, network, timeout, a proxy without its server)
├── NotShutterSense       something answers at that URL, but not a ShutterSense coordinator
├── ServerFailed          the coordinator answered 5xx: its problem, worth trying later
└── Refused               it answered with a 4xx status
    ├── SignInRequired    401: wrong password, or the app's token expired or was revoked
    ├── NotAllowed        403: the signed-in user may not do this (team admins only)
    ├── NotFound          404
    ├── TooManyAttempts   429: rate limited
    └── Invalid           400, 409, 413, 422: the server's reasons, one a line
"""

from __future__ import annotations

__all__ = [
    "ApiError",
    "Invalid",
    "NotAllowed",
    "NotFound",
    "NotShutterSense",
    "Refused",
    "ServerFailed",
    "ServerUnreachable",
    "SignInRequired",
    "TooManyAttempts",
]


class ApiError(Exception):
    """Base of every error the API layer raises; str() is the message for the user."""


class ServerUnreachable(ApiError):
    pass


class NotShutterSense(ApiError):
    pass


class ServerFailed(ApiError):
    pass


class Refused(ApiError):
    def __init__(self, status: int, detail: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail


class SignInRequired(Refused):
    pass


class NotAllowed(Refused):
    pass


class NotFound(Refused):
    pass


class TooManyAttempts(Refused):
    pass


class Invalid(Refused):
    pass
