"""CSRF tokens of the dashboard's forms and of its scripts' state-changing calls.

Signed in, the token is an HMAC (SESSION_SECRET_KEY) of the session id: a new session, as at
every sign-in, is a new token, and no row has to keep it. Before signing in (the sign-in and
first-run forms), it is an HMAC of a random value in a cookie of its own (SameSite=Strict,
HttpOnly), so a page of another site can neither read the token nor post a form that matches.
A caller with an API token sends no cookie a site could ride, and needs no CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from fastapi import Response
from starlette.requests import HTTPConnection

from ..errors import Forbidden
from ..settings import Settings
from ..signing import b64url_encode

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "PRE_SESSION_COOKIE",
    "PreSession",
    "check_csrf",
    "pre_session",
    "session_token",
]

CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
PRE_SESSION_COOKIE = "shuttersense_csrf"
REFUSED = "the form is out of date or came from another site: reload the page and try again"


def _mac(key: str, purpose: str, value: str) -> str:
    digest = hmac.new(key.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).digest()
    return b64url_encode(digest)


def session_token(settings: Settings, session_id: str) -> str:
    """The CSRF token of a signed-in browser's session."""
    return _mac(settings.session_secret_key, "csrf-session", session_id)


@dataclass(frozen=True)
class PreSession:
    """The CSRF token of a browser not signed in yet, and the cookie value to set when the
    browser has none yet."""

    token: str
    new_cookie: str | None

    def keep(self, response: Response, settings: Settings) -> Response:
        """Set the cookie on `response` when it is new; returns `response`."""
        if self.new_cookie is not None:
            response.set_cookie(
                PRE_SESSION_COOKIE,
                self.new_cookie,
                path="/",
                secure=settings.session_https_only,
                httponly=True,
                samesite="strict",
            )
        return response


def pre_session(connection: HTTPConnection, settings: Settings) -> PreSession:
    """The CSRF token of the browser's pre-session cookie (a new cookie when it has none)."""
    value = connection.cookies.get(PRE_SESSION_COOKIE)
    new_cookie = None
    if not value or len(value) > 100:
        value = new_cookie = secrets.token_urlsafe(32)
    return PreSession(_mac(settings.session_secret_key, "csrf-pre-session", value), new_cookie)


def _expected_before_sign_in(connection: HTTPConnection, settings: Settings) -> str | None:
    value = connection.cookies.get(PRE_SESSION_COOKIE)
    if not value or len(value) > 100:
        return None
    return _mac(settings.session_secret_key, "csrf-pre-session", value)


def check_csrf(
    connection: HTTPConnection, settings: Settings, sent: str | None, session_id: str | None
) -> None:
    """Forbidden unless `sent` is the token of this session (or, with none, of this browser's
    pre-session cookie)."""
    if session_id is not None:
        expected: str | None = session_token(settings, session_id)
    else:
        expected = _expected_before_sign_in(connection, settings)
    if not sent or expected is None or not hmac.compare_digest(sent, expected):
        raise Forbidden(REFUSED)
