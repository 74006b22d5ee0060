"""Signing in and out of the dashboard, and the first-run screen of an empty instance.

Signing in rotates the session: the browser's previous session (if any) ends and a new id is
issued, so an id planted in the browser before sign-in is never the signed-in one.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session

from ..api.csrf import CSRF_FIELD, check_csrf, pre_session
from ..api.deps import SessionDep
from ..api.session_cookie import (
    check_origin,
    clear_session_cookie,
    read_session_cookie,
    set_session_cookie,
)
from ..errors import ServiceError, Unauthorized
from ..services import auth
from ..services.accounts import MIN_PASSWORD_LENGTH
from ..services.first_run import create_first_admin, instance_empty
from .page_route import DashboardDep, Form, FormDep, PageRoute, local_target, read_form, redirect
from .rendering import Dashboard

__all__ = ["router"]

router = APIRouter(route_class=PageRoute)


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _old_session(request: Request) -> str | None:
    try:
        return read_session_cookie(request, request.app.state.settings)
    except Unauthorized:  # a tampered cookie: nothing to end
        return None


def _signed_in(request: Request, session: Session, email: str, password: str) -> Response:
    """Sign in (ending the browser's previous session) and send the browser on."""
    settings = request.app.state.settings
    signed = auth.login(session, email, password, _address(request))
    old = _old_session(request)
    if old is not None:
        auth.logout(session, old)
    target = local_target(request.query_params.get("next"))
    response = redirect(target)
    set_session_cookie(response, settings, signed.session_id)
    return response


def _pre_session_page(
    request: Request,
    dashboard: Dashboard,
    template: str,
    *,
    error: str,
    status: int,
    **context: Any,
) -> Response:
    """A page with a form sent before sign-in: its CSRF token is the pre-session cookie's
    (set on the answer when the browser has none yet)."""
    settings = request.app.state.settings
    csrf = pre_session(request, settings)
    page = dashboard.render(
        request, template, http_status=status, csrf=csrf.token, error=error, **context
    )
    return csrf.keep(page, settings)


async def _pre_session_form(request: Request) -> Form:
    """A form sent before sign-in, its origin and pre-session CSRF token checked."""
    form = await read_form(request)
    settings = request.app.state.settings
    check_origin(request, settings)
    check_csrf(request, settings, form.get(CSRF_FIELD), None)
    return form


PreSessionForm = Annotated[Form, Depends(_pre_session_form)]


def _login_page(
    request: Request, dashboard: Dashboard, *, error: str = "", status: int = 200
) -> Response:
    target = local_target(request.query_params.get("next"), "")
    return _pre_session_page(
        request, dashboard, "login.html", error=error, status=status, next=target
    )


@router.get("/login")
def login_page(request: Request, session: SessionDep, dashboard: DashboardDep) -> Response:
    if instance_empty(session):
        return redirect("/setup")
    return _login_page(request, dashboard)


@router.post("/login")
def login(
    request: Request, form: PreSessionForm, session: SessionDep, dashboard: DashboardDep
) -> Response:
    try:
        return _signed_in(request, session, form.get("email", ""), form.get("password", ""))
    except ServiceError as exc:  # wrong password, disabled account, too many attempts
        return _login_page(request, dashboard, error=str(exc), status=exc.status)


@router.post("/logout")
def logout(request: Request, form: FormDep, session: SessionDep) -> Response:
    session_id = _old_session(request)
    if session_id is not None:
        auth.logout(session, session_id)
    response = redirect("/login?notice=signed-out")
    clear_session_cookie(response, request.app.state.settings)
    return response


def _setup_page(
    request: Request, dashboard: Dashboard, *, error: str = "", status: int = 200
) -> Response:
    return _pre_session_page(
        request,
        dashboard,
        "setup.html",
        error=error,
        status=status,
        min_password=MIN_PASSWORD_LENGTH,
    )


@router.get("/setup")
def setup_page(request: Request, session: SessionDep, dashboard: DashboardDep) -> Response:
    """The first-run screen, while the instance has no user; the sign-in page afterwards."""
    if not instance_empty(session):
        return redirect("/login")
    return _setup_page(request, dashboard)


@router.post("/setup")
def setup(
    request: Request, form: PreSessionForm, session: SessionDep, dashboard: DashboardDep
) -> Response:
    email, password = form.get("email", ""), form.get("password", "")
    try:
        if password != form.get("password_again"):
            return _setup_page(request, dashboard, error="the two passwords differ", status=422)
        create_first_admin(session, email, password, form.get("team", ""))
        return _signed_in(request, session, email, password)
    except ServiceError as exc:
        if not instance_empty(session):  # someone else was first
            return redirect("/login?notice=taken")
        return _setup_page(request, dashboard, error=str(exc), status=exc.status)
