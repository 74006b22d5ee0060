"""The route class of the dashboard's pages, and what their signatures ask for.

A page route answers in HTML whatever happens: not signed in, it sends the browser to sign in
(or to the first-run screen of an empty instance); a refusal of a service (another team's GUID
is "not found", as in the API) becomes an error page with the same status. Pages are not part
of the API, so they stay out of the OpenAPI document. Every answer carries the dashboard's
security headers.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from urllib.parse import parse_qsl, quote

from fastapi import Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ValidationError

from ..api.csrf import CSRF_FIELD, check_csrf, session_token
from ..api.deps import CurrentUser, SessionDep
from ..api.routing import ApiRoute
from ..api.session_cookie import check_origin, read_session_cookie
from ..errors import InvalidInput, ServiceError, Unauthorized
from ..models import Team, User
from ..schemas.base import has_nul
from ..services.agent_admin import pool_status
from ..services.first_run import instance_empty
from .rendering import Dashboard
from .security import dashboard_headers

__all__ = [
    "DashboardDep",
    "Form",
    "FormDep",
    "PageRoute",
    "Viewer",
    "ViewerDep",
    "local_target",
    "read_form",
    "redirect",
]

_MAX_FIELDS = 50
B = TypeVar("B", bound=BaseModel)


def redirect(target: str) -> RedirectResponse:
    """303 See Other: after a form, the browser GETs `target`."""
    return RedirectResponse(target, status_code=303, headers=dashboard_headers())


def local_target(target: str | None, default: str = "/") -> str:
    """`target` when it is a path of this site, else `default`: never `//host` nor anything a
    browser could read as one (a backslash, or a tab or other control character it drops)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return default
    return target


class PageRoute(ApiRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        options["include_in_schema"] = False  # pages are not API (the router passes True)
        super().__init__(path, endpoint, **options)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                response = await handler(request)
            except Unauthorized:
                return await run_in_threadpool(_sign_in_first, request)
            except ServiceError as exc:
                dashboard: Dashboard = request.app.state.dashboard
                return dashboard.render(
                    request, "error.html", http_status=exc.status, status_code=exc.status, error=exc
                )
            for name, value in dashboard_headers().items():
                response.headers.setdefault(name, value)
            return response

        return page


def _sign_in_first(request: Request) -> Response:
    with request.app.state.sessions() as session:
        if instance_empty(session):
            return redirect("/setup")
    wanted = request.url.path if request.method == "GET" else "/"
    target = "/login" if wanted == "/" else f"/login?next={quote(wanted, safe='/')}"
    return redirect(target)


async def _dashboard(request: Request) -> Dashboard:
    dashboard: Dashboard = request.app.state.dashboard
    return dashboard


DashboardDep = Annotated[Dashboard, Depends(_dashboard)]


@dataclass(frozen=True)
class Viewer:
    """The signed-in user looking at a page, their team's name and pool, and the CSRF token
    their forms carry (None for a caller with an API token, who needs none)."""

    user: User
    team_name: str
    csrf: str | None
    pool: dict[str, int | str]
    session_id: str | None

    @property
    def is_admin(self) -> bool:
        return self.user.role == "admin"


def _bearer(request: Request) -> bool:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and bool(credentials.strip())


def _viewer(request: Request, user: CurrentUser, session: SessionDep) -> Viewer:
    settings = request.app.state.settings
    session_id = None if _bearer(request) else read_session_cookie(request, settings)
    csrf = session_token(settings, session_id) if session_id else None
    team = session.get_one(Team, user.team_id)
    return Viewer(user, team.name, csrf, pool_status(session, user.team_id), session_id)


ViewerDep = Annotated[Viewer, Depends(_viewer)]


class Form(dict[str, str]):
    """The fields of a submitted form (the last value of a repeated one)."""

    def text(self, name: str, *, required: bool = True) -> str:
        value = self.get(name, "").strip()
        if required and not value:
            raise InvalidInput(f"fill in the {name.replace('_', ' ')}", ("body", name))
        return value

    def flag(self, name: str) -> bool:
        """A checkbox: sent (as anything) when ticked, absent when not."""
        return name in self

    def parsed(self, schema: type[B], *names: str) -> B:
        """The fields `names` (those filled in) checked by the API's own body `schema`."""
        data = {name: self[name].strip() for name in names if self.get(name, "").strip()}
        try:
            return schema.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "form"
            raise InvalidInput(f"{where}: {first['msg']}", ("body", *first["loc"])) from None


async def read_form(request: Request) -> Form:
    """The body as an `application/x-www-form-urlencoded` form; InvalidInput otherwise."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise InvalidInput("send the form as application/x-www-form-urlencoded")
    try:
        text = (await request.body()).decode("utf-8")
        form = Form(parse_qsl(text, keep_blank_values=True, max_num_fields=_MAX_FIELDS))
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("the form is not UTF-8, or has too many fields") from None
    if has_nul(dict(form)):
        raise InvalidInput("NUL characters are not allowed")
    return form


async def _signed_form(request: Request, viewer: ViewerDep) -> Form:
    """The form of a signed-in viewer, its origin and CSRF token checked (for a browser's
    session)."""
    form = await read_form(request)
    if viewer.session_id is not None:
        check_origin(request, request.app.state.settings)
        check_csrf(request, request.app.state.settings, form.get(CSRF_FIELD), viewer.session_id)
    return form


FormDep = Annotated[Form, Depends(_signed_form)]
