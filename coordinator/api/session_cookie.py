"""The web session cookie: a random id signed with SESSION_SECRET_KEY, flags from the settings."""

from __future__ import annotations

from typing import Literal, cast
from urllib.parse import urlsplit

from fastapi import Request, Response
from starlette.requests import HTTPConnection

from ..errors import Forbidden, Unauthorized
from ..services.auth import SESSION_LIFETIME
from ..settings import Settings
from ..signing import InvalidSignature, sign_value, unsign_value

__all__ = [
    "SESSION_COOKIE",
    "check_origin",
    "clear_session_cookie",
    "origin_allowed",
    "read_session_cookie",
    "set_session_cookie",
]

SESSION_COOKIE = "shuttersense_session"
_PURPOSE = "web-session"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SameSite = Literal["lax", "strict", "none"]


def _flags(settings: Settings) -> tuple[bool, SameSite]:
    same_site = cast(SameSite, settings.session_same_site)
    # Browsers drop a SameSite=None cookie that is not Secure, so None implies Secure.
    return settings.session_https_only or same_site == "none", same_site


def set_session_cookie(response: Response, settings: Settings, session_id: str) -> None:
    secure, same_site = _flags(settings)
    response.set_cookie(
        SESSION_COOKIE,
        sign_value(session_id, settings.session_secret_key, purpose=_PURPOSE),
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        secure=secure,
        httponly=True,
        samesite=same_site,
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    secure, same_site = _flags(settings)
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=secure, httponly=True, samesite=same_site
    )


def read_session_cookie(connection: HTTPConnection, settings: Settings) -> str | None:
    """The session id in the request's cookie, None without one; Unauthorized when tampered."""
    signed = connection.cookies.get(SESSION_COOKIE)
    if not signed:
        return None
    try:
        return unsign_value(signed, settings.session_secret_key, purpose=_PURPOSE)
    except InvalidSignature as exc:
        raise Unauthorized("invalid session cookie: sign in again") from exc


def origin_allowed(connection: HTTPConnection, settings: Settings) -> bool:
    """Whether the connection comes from no page at all, this host, or a CORS origin."""
    origin = connection.headers.get("origin")
    if origin is None:
        return True
    if origin.rstrip("/") in {allowed.rstrip("/") for allowed in settings.cors_origins}:
        return True
    host = connection.headers.get("host")
    return bool(host) and urlsplit(origin).netloc.lower() == host.lower()


def check_origin(request: Request, settings: Settings) -> None:
    """Refuse a cookie-authenticated change sent from a page of another site (CSRF).

    Browsers send `Origin` on cross-site requests; it must be this host or a CORS origin.
    """
    if request.method in _SAFE_METHODS or origin_allowed(request, settings):
        return
    raise Forbidden("request from another site refused: use the dashboard or an API token")
