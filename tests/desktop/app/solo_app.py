"""The app as the entry point puts it together for solo mode, in the test's folders: the real
agent runtime (a child process) and the real embedded coordinator (another one)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.app.api.session import USER_TOKEN
from shuttersense.desktop.app.application import DesktopApp
from shuttersense.desktop.app.first_run_steps import authorize_folder, keep_sign_in
from shuttersense.desktop.app.services.embedded_agent import EmbeddedAgent
from shuttersense.desktop.app.services.embedded_coordinator import EmbeddedCoordinator
from shuttersense.desktop.app.services.run_all import run_all_collections
from shuttersense.desktop.app.services.solo import Solo
from shuttersense.desktop.app.settings import AppSettings
from tests.desktop.app.app_factory import MakeApp
from tests.desktop.app.studio import keep_account

__all__ = ["SoloParts", "job_status", "queue", "results", "set_up_solo", "solo_app", "user_api"]


class SoloParts:
    def __init__(self, context: AgentContext) -> None:
        self.context = context
        self.coordinator = EmbeddedCoordinator(context.dirs.data / "coordinator", context.dirs.logs)
        self.solo = Solo(self.coordinator)
        self.app: DesktopApp | None = None
        self.agent = EmbeddedAgent(context, self._run_all, stop_wait=20)

    def _run_all(self) -> int:
        assert self.app is not None and self.app.session is not None
        with self.app.session.client() as client:
            return run_all_collections(client, self.context.identity().agent_guid)


def solo_app(make_app: MakeApp, context: AgentContext, **options: object) -> SoloParts:
    parts = SoloParts(context)
    parts.app = make_app(control=parts.agent, solo=parts.solo, **options)
    return parts


@contextmanager
def user_api(context: AgentContext, base: str) -> Iterator[httpx.Client]:
    """The coordinator's user API as the app's signed-in user."""
    headers = {"Authorization": f"Bearer {context.keys.get(USER_TOKEN)}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        yield client


def results(context: AgentContext, base: str) -> list[dict[str, object]]:
    """The team's results, as the app's signed-in user reads them."""
    with user_api(context, base) as api:
        answer = api.get("/api/results")
        assert answer.status_code == 200, answer.text
        return answer.json()


def set_up_solo(parts: SoloParts, settings: AppSettings, *folders: Path) -> str:
    """What the first-run window's solo path leaves behind (folders authorized), with the
    coordinator stopped again as when the app quit; the coordinator's URL."""
    signed = parts.solo.set_up(parts.context)
    keep_sign_in(parts.context, signed)
    keep_account(settings, signed)
    settings.set_solo(True)
    for folder in folders:
        authorize_folder(parts.context, folder)
    parts.solo.stop()
    return signed.server_url


def job_status(context: AgentContext, base: str, job: str) -> str:
    with user_api(context, base) as api:
        answer = api.get(f"/api/jobs/{job}")
        assert answer.status_code == 200, answer.text
        return str(answer.json()["status"])


def queue(context: AgentContext, base: str, tool: str = "photostats") -> str:
    """Queue `tool` on the (one) collection; the job's GUID."""
    with user_api(context, base) as api:
        collection = api.get("/api/collections").json()[0]["guid"]
        made = api.post(f"/api/collections/{collection}/jobs", json={"tool": tool})
        assert made.status_code == 201, made.text
        return str(made.json()["guid"])
