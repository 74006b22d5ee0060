"""The app as the entry point puts it together for solo mode, in the test's folders: the real
agent runtime (a child process) and the real embedded coordinator (another one)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.app.api.session import USER_TOKEN
from shuttersense.desktop.app.application import DesktopApp
from shuttersense.desktop.app.services.embedded_agent import EmbeddedAgent
from shuttersense.desktop.app.services.embedded_coordinator import EmbeddedCoordinator
from shuttersense.desktop.app.services.run_all import run_all_collections
from shuttersense.desktop.app.services.solo import Solo
from tests.desktop.app.app_factory import MakeApp

__all__ = ["SoloParts", "solo_app", "user_api"]


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
