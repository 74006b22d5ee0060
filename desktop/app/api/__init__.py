"""The one API client layer the views share: typed calls of the coordinator's user API, errors
translated once. Qt-free (an import contract says so), so it runs on any thread."""

from .client import UserApiClient
from .errors import (
    ApiError,
    Invalid,
    NotAllowed,
    NotFound,
    NotShutterSense,
    Refused,
    ServerFailed,
    ServerUnreachable,
    SignInRequired,
    TooManyAttempts,
)

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
    "UserApiClient",
]
