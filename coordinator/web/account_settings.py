"""Settings > Users (admins: add, role, deactivate), API tokens (each user's own: create, shown
once, revoke) and Notifications (push on or off per kind, and this browser's subscription)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from ..api.deps import SessionDep
from ..schemas.auth import TokenCreate
from ..schemas.users import MemberCreate
from ..services import auth, push_preferences, team_admin
from .page_route import DashboardDep, FormDep, PageRoute, Viewer, ViewerDep, redirect

__all__ = ["router"]

router = APIRouter(prefix="/settings", route_class=PageRoute)

_KIND_LABELS = {
    "job_failed": "A job failed",
    "results_ready": "New results are ready",
    "agent_offline": "An agent went offline",
    "collection_worse": "A collection got worse (more orphans, fewer consistent images)",
}


@router.get("")
def settings_home(viewer: ViewerDep) -> Response:
    return redirect("/settings/agents" if viewer.is_admin else "/settings/tokens")


@router.get("/users")
def users_page(
    request: Request, viewer: ViewerDep, session: SessionDep, dashboard: DashboardDep
) -> Response:
    auth.require_admin(viewer.user)
    return dashboard.render(
        request,
        "settings_users.html",
        viewer=viewer,
        title="Users",
        users=team_admin.team_users(session, viewer.user.team_id),
        roles=team_admin.ROLES,
    )


@router.post("/users")
def add_user(form: FormDep, viewer: ViewerDep, session: SessionDep) -> Response:
    auth.require_admin(viewer.user)
    wanted = form.parsed(MemberCreate, "email", "password", "role")
    team_admin.add_member(session, viewer.user, wanted.email, wanted.password, wanted.role)
    return redirect("/settings/users?notice=user-added")


@router.post("/users/{guid}")
def update_user(guid: str, form: FormDep, viewer: ViewerDep, session: SessionDep) -> Response:
    """The role from the form, and active unless the form says `active=no`."""
    auth.require_admin(viewer.user)
    role = form.text("role")
    team_admin.update_member(
        session, viewer.user, guid, role=role, is_active=form.get("active") != "no"
    )
    return redirect("/settings/users?notice=user-updated")


def _tokens_page(
    request: Request,
    viewer: Viewer,
    session: SessionDep,
    dashboard: DashboardDep,
    issued: str = "",
) -> Response:
    return dashboard.render(
        request,
        "settings_tokens.html",
        viewer=viewer,
        title="API tokens",
        tokens=auth.list_tokens(session, viewer.user),
        issued=issued,
    )


@router.get("/tokens")
def tokens_page(
    request: Request, viewer: ViewerDep, session: SessionDep, dashboard: DashboardDep
) -> Response:
    return _tokens_page(request, viewer, session, dashboard)


@router.post("/tokens")
def create_token(
    request: Request,
    form: FormDep,
    viewer: ViewerDep,
    session: SessionDep,
    dashboard: DashboardDep,
) -> Response:
    """The new token, on this answer only."""
    wanted = form.parsed(TokenCreate, "name", "expires_days")
    key = request.app.state.settings.jwt_secret_key
    made = auth.create_token(session, viewer.user, wanted.name, wanted.expires_days, key)
    return _tokens_page(request, viewer, session, dashboard, issued=made.token)


@router.post("/tokens/{guid}/revoke")
def revoke_token(guid: str, form: FormDep, viewer: ViewerDep, session: SessionDep) -> Response:
    auth.revoke_token(session, viewer.user, guid)
    return redirect("/settings/tokens?notice=revoked")


@router.get("/notifications")
def notifications_page(
    request: Request, viewer: ViewerDep, session: SessionDep, dashboard: DashboardDep
) -> Response:
    chosen = push_preferences.preferences(session, viewer.user)
    return dashboard.render(
        request,
        "settings_notifications.html",
        viewer=viewer,
        title="Notifications",
        kinds=[(kind, _KIND_LABELS[kind], chosen[kind]) for kind in push_preferences.KINDS],
        push_ready=request.app.state.vapid.keys() is not None,
    )


@router.post("/notifications")
def save_notifications(form: FormDep, viewer: ViewerDep, session: SessionDep) -> Response:
    """Each kind on when its box is ticked, off when not."""
    choices = {kind: form.flag(kind) for kind in push_preferences.KINDS}
    push_preferences.set_preferences(session, viewer.user, choices)
    return redirect("/settings/notifications?notice=preferences")
