"""Settings > Agents (admins): the team's agents with their state and last heartbeat, a
registration token shown once with the exact command that registers an agent, rename, revoke."""

from __future__ import annotations

import shlex

from fastapi import APIRouter, Request, Response

from ..api.deps import SessionDep
from ..models.base import utcnow
from ..schemas.agents import AgentRename, RegistrationTokenCreate
from ..services import agent_admin
from ..services.auth import require_admin
from .page_route import DashboardDep, FormDep, PageRoute, Viewer, ViewerDep, redirect

__all__ = ["router"]

router = APIRouter(prefix="/settings/agents", route_class=PageRoute)

_DEFAULT_NAME = "My agent"


def _page(
    request: Request,
    viewer: Viewer,
    session: SessionDep,
    dashboard: DashboardDep,
    **issued: str,
) -> Response:
    require_admin(viewer.user)
    team_id = viewer.user.team_id
    now = utcnow()
    agents = [
        (agent, agent_admin.agent_status(agent, now))
        for agent in agent_admin.list_agents(session, team_id)
    ]
    return dashboard.render(
        request,
        "settings_agents.html",
        viewer=viewer,
        title="Agents",
        agents=agents,
        tokens=agent_admin.list_tokens(session, team_id)[:20],
        issued=issued,
    )


@router.get("")
def agents_page(
    request: Request, viewer: ViewerDep, session: SessionDep, dashboard: DashboardDep
) -> Response:
    return _page(request, viewer, session, dashboard)


@router.post("/registration-tokens")
def create_token(
    request: Request,
    form: FormDep,
    viewer: ViewerDep,
    session: SessionDep,
    dashboard: DashboardDep,
) -> Response:
    """A one-time token, shown on this answer only, with the command to paste on the agent's
    machine (every part of it quoted for the shell)."""
    require_admin(viewer.user)
    wanted = form.parsed(RegistrationTokenCreate, "expires_hours")
    name = form.text("name", required=False)[:200] or _DEFAULT_NAME
    issued = agent_admin.create_token(session, viewer.user, wanted.expires_hours)
    server = str(request.base_url).rstrip("/")
    words = ["shuttersense-agent", "register", "--server", server, "--token", issued.token]
    command = shlex.join([*words, "--name", name])
    expires = issued.record.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    return _page(
        request, viewer, session, dashboard, token=issued.token, command=command, expires=expires
    )


@router.post("/{guid}/rename")
def rename(guid: str, form: FormDep, viewer: ViewerDep, session: SessionDep) -> Response:
    require_admin(viewer.user)
    agent_admin.rename_agent(session, viewer.user, guid, form.parsed(AgentRename, "name").name)
    return redirect("/settings/agents?notice=renamed")


@router.post("/{guid}/revoke")
def revoke(guid: str, form: FormDep, viewer: ViewerDep, session: SessionDep) -> Response:
    require_admin(viewer.user)
    agent_admin.revoke_agent(session, viewer.user, guid)
    return redirect("/settings/agents?notice=revoked")
