"""Errors of the coordinator.

CoordinatorError
├── SettingsError        settings are missing, weak or invalid; names each variable
├── DatabaseUnreachable  the database cannot be reached; names the server, never the password
└── ServiceError         a request cannot be carried out (mapped to HTTP once, at the edge)
    ├── NotFound         no such thing in the caller's team (another team's GUID included)
    ├── Conflict         the thing exists already, or changed under the caller
    ├── Forbidden        the caller may not do this
    ├── InvalidInput     the request is well-formed but makes no sense
    └── Unavailable      not now: the same request may succeed when sent again (503)
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "Conflict",
    "CoordinatorError",
    "DatabaseDamaged",
    "DatabaseUnreachable",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "ServiceError",
    "SettingsError",
    "TooManyAttempts",
    "Unauthorized",
    "Unavailable",
]


class CoordinatorError(Exception):
    """Base of every error the coordinator raises on purpose."""


class SettingsError(CoordinatorError):
    """Settings from the environment that are missing, weak or invalid: `problems` holds each
    (variable, what is wrong with it), `variable` the first of them."""

    def __init__(self, variable: str, problem: str, *more: tuple[str, str]) -> None:
        self.problems = ((variable, problem), *more)
        super().__init__("\n".join(f"{name}: {what}" for name, what in self.problems))
        self.variable = variable

    @classmethod
    def joined(cls, errors: Sequence[SettingsError]) -> SettingsError:
        """One error listing every problem of `errors`, in order."""
        first, *more = [problem for error in errors for problem in error.problems]
        return cls(*first, *more)


class DatabaseUnreachable(CoordinatorError):
    """The database cannot be reached; the message names the server and what to check."""


class DatabaseDamaged(CoordinatorError):
    """The SQLite file is not a database or is damaged; the message says what to do."""


class ServiceError(CoordinatorError):
    """A request cannot be carried out; `status` is the HTTP status it maps to."""

    status = 400


class Unauthorized(ServiceError):
    status = 401


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


class Forbidden(ServiceError):
    status = 403


class InvalidInput(ServiceError):
    """`loc` says where, as in FastAPI's own 422 answers: ("query", "status"); empty if unsaid."""

    status = 422

    def __init__(self, message: str, loc: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.loc = loc


class TooManyAttempts(ServiceError):
    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(ServiceError):
    """Not now, for a passing reason: answered 503 with Retry-After."""

    status = 503

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after
