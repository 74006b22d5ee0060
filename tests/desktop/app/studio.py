"""A studio as the app meets it: this machine signed in and registered with a real coordinator
(through the first-run steps), the demo collection with its pipeline, and results made by the
agent's own `run`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from shuttersense.common.demo import DEMO_PIPELINE, DemoCollection, build_demo
from shuttersense.common.results import AnalysisDocument
from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.agent.local_runs import run_locally
from shuttersense.desktop.app.api import UserApiClient
from shuttersense.desktop.app.first_run_steps import (
    SignedIn,
    authorize_folder,
    check_server,
    keep_sign_in,
    register_machine,
    registration_token,
    sign_in,
)
from shuttersense.desktop.app.settings import Account, AppSettings
from tests.desktop.app.team_server import ADMIN, ADMIN_PASSWORD, TeamServer

__all__ = ["Studio", "keep_account", "set_up_agent", "signed_in_as", "studio"]


def set_up_agent(context: AgentContext, server: TeamServer, name: str = "Studio Mac") -> SignedIn:
    """What the first-run window does in team mode, step by step, for the team's admin."""
    url = check_server(server.base)
    signed = sign_in(url, ADMIN, ADMIN_PASSWORD)
    keep_sign_in(context, signed)
    with UserApiClient(url, signed.token) as client:
        token = registration_token(client, None)
    register_machine(context, url, token, name)
    return signed


def keep_account(settings: AppSettings, signed: SignedIn) -> None:
    """What the app keeps once the first-run window is done."""
    user = signed.user
    settings.set_account(Account(signed.server_url, user.email, user.role, signed.token_guid))


def signed_in_as(
    context: AgentContext, settings: AppSettings, server: TeamServer, email: str, password: str
) -> SignedIn:
    """The app signed in to `server` as that user, as the first-run window leaves it."""
    signed = sign_in(server.base, email, password)
    keep_sign_in(context, signed)
    keep_account(settings, signed)
    return signed


class Studio:
    """The demo collection of `folder`, set up as the team's collection with its pipeline."""

    def __init__(self, context: AgentContext, server: TeamServer, folder: Path) -> None:
        self.context = context
        self.signed = set_up_agent(context, server)
        self.demo: DemoCollection = build_demo(folder)
        headers = {"Authorization": f"Bearer {self.signed.token}"}
        with httpx.Client(base_url=server.base, headers=headers, timeout=30) as api:
            made = api.post("/api/pipelines/import", json={"text": DEMO_PIPELINE})
            assert made.status_code == 201, made.text
            default = api.post(f"/api/pipelines/{made.json()['guid']}/default")
            assert default.status_code == 200, default.text
        self.collection: dict[str, Any] = authorize_folder(context, self.demo.collection)

    def sign_in_app(self, settings: AppSettings) -> None:
        keep_account(settings, self.signed)

    def analyse(self) -> AnalysisDocument:
        """All tools on the collection by the agent's `run`, uploaded."""
        run = run_locally(self.context, self.collection["guid"], None, offline=False)
        assert run.sync is not None, "the coordinator was not reached"
        assert (run.sync.sent, run.sync.rejected) == (len(run.document.results), 0), run.sync
        return run.document

    def lose_sidecars(self, count: int) -> None:
        """Delete `count` XMP sidecars of RAW files: their images become orphans."""
        sidecars = [
            sidecar
            for sidecar in sorted(self.demo.collection.rglob("*.xmp"))
            if sidecar.with_suffix(".CR3").exists()
        ][:count]
        assert len(sidecars) == count
        for sidecar in sidecars:
            sidecar.unlink()


@pytest.fixture
def studio(context: AgentContext, team_server: TeamServer, tmp_path: Path) -> Studio:
    """The demo studio, set up by this machine's agent for the team's admin (the app not yet
    signed in: `signed_in_view` does that)."""
    return Studio(context, team_server, tmp_path / "demo")
