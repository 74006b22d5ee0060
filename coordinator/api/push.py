"""Web push, `/api/push`: the VAPID public key, this user's subscriptions and preferences.

A browser calling with its session cookie sends the page's CSRF token as `X-CSRF-Token` with
every change (the dashboard's script does); a caller with an API token needs none.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from ..errors import NotFound
from ..models import PushSubscription
from ..schemas.push import (
    PushPreferences,
    PushPreferencesUpdate,
    SubscriptionCreate,
    SubscriptionOut,
    VapidPublicKey,
)
from ..services import push_preferences, push_subscriptions
from .answers import answers, problem
from .csrf import CSRF_HEADER, check_csrf
from .deps import CurrentUser, SessionDep
from .routing import ApiRoute
from .session_cookie import read_session_cookie

__all__ = ["router"]

router = APIRouter(prefix="/api/push", tags=["push"], route_class=ApiRoute)


@answers(problem(403, "a browser's change without the page's X-CSRF-Token"))
def _csrf_header(request: Request, user: CurrentUser) -> None:
    """A cookie-authenticated change must carry the page's CSRF token."""
    scheme = request.headers.get("authorization", "").partition(" ")[0].lower()
    if scheme == "bearer":
        return
    settings = request.app.state.settings
    session_id = read_session_cookie(request, settings)
    check_csrf(request, settings, request.headers.get(CSRF_HEADER), session_id)


CsrfChecked = Annotated[None, Depends(_csrf_header)]


@router.get(
    "/vapid-public-key",
    response_model=VapidPublicKey,
    responses=problem(404, "web push is not set up on this server (VAPID_* variables)"),
)
def vapid_public_key(request: Request) -> VapidPublicKey:
    """The key browsers subscribe with (public: no sign-in needed)."""
    keys = request.app.state.vapid.keys()
    if keys is None:
        raise NotFound(
            "web push is not set up on this server: set VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY "
            "and VAPID_SUBJECT (docs/dashboard.md)"
        )
    return VapidPublicKey(public_key=keys.public_key)


def _out(row: PushSubscription) -> SubscriptionOut:
    return SubscriptionOut(guid=row.guid, endpoint=row.endpoint, created_at=row.created_at)


@router.post("/subscriptions", response_model=SubscriptionOut, status_code=201)
def subscribe(
    body: SubscriptionCreate,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    _: CsrfChecked,
) -> SubscriptionOut:
    """Subscribe this browser; subscribing its endpoint again replaces the keys (and moves it
    to the caller when another user had it)."""
    settings = request.app.state.settings
    row = push_subscriptions.subscribe(
        session,
        user,
        body.endpoint,
        body.keys.p256dh,
        body.keys.auth,
        allow_loopback_http=not settings.is_production,
    )
    return _out(row)


@router.get("/subscriptions", response_model=list[SubscriptionOut])
def list_subscriptions(user: CurrentUser, session: SessionDep) -> list[SubscriptionOut]:
    """The caller's subscribed browsers."""
    return [_out(row) for row in push_subscriptions.list_subscriptions(session, user)]


@router.delete(
    "/subscriptions/{guid}",
    status_code=204,
    responses=problem(404, "no such subscription of yours"),
)
def unsubscribe(guid: str, user: CurrentUser, session: SessionDep, _: CsrfChecked) -> Response:
    push_subscriptions.unsubscribe(session, user, guid)
    return Response(status_code=204)


@router.get("/preferences", response_model=PushPreferences)
def get_preferences(user: CurrentUser, session: SessionDep) -> PushPreferences:
    """Which notifications the caller wants."""
    return PushPreferences(**push_preferences.preferences(session, user))


@router.put("/preferences", response_model=PushPreferences)
def set_preferences(
    body: PushPreferencesUpdate, user: CurrentUser, session: SessionDep, _: CsrfChecked
) -> PushPreferences:
    """Turn kinds of notification on or off; the kinds left out stay as they are."""
    changes = body.model_dump(exclude_none=True)
    return PushPreferences(**push_preferences.set_preferences(session, user, changes))
