"""The views on the team's things (Collections, Pipelines, Jobs, Agents), made together so the
app puts them in the window, gives them the signed-in session and stops them in one place."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from shuttersense.desktop.agent.context import AgentContext

from ..api.session import ApiSession
from ..settings import Account, AppSettings
from ..workers import Workers
from .agents_view import AgentsView
from .api_view import ApiView
from .collections_view import CollectionsView
from .jobs_view import JobsView
from .pipelines_view import PipelinesView

__all__ = ["TeamViews"]


class TeamViews(QObject):
    sign_in_needed = Signal(object)  # a view's call was answered 401

    def __init__(self, workers: Workers, context: AgentContext, settings: AppSettings) -> None:
        super().__init__()
        self.collections = CollectionsView(workers, context, settings)
        self.pipelines = PipelinesView(workers, settings)
        self.jobs = JobsView(workers, settings)
        self.agents = AgentsView(workers, settings)
        for view in self.all():
            view.sign_in_needed.connect(self.sign_in_needed)
        self.jobs.job_ended.connect(lambda _: self.collections.job_ended())
        self.collections.jobs_queued.connect(lambda _: self.jobs.refresh())

    def all(self) -> tuple[ApiView, ...]:
        return (self.collections, self.pipelines, self.jobs, self.agents)

    def by_name(self) -> dict[str, ApiView]:
        return {
            "collections": self.collections,
            "pipelines": self.pipelines,
            "jobs": self.jobs,
            "agents": self.agents,
        }

    def set_session(self, session: ApiSession | None, account: Account | None) -> None:
        for view in self.all():
            view.set_session(session, account)

    def stop(self) -> None:
        """Stop what runs beside the UI (the jobs socket)."""
        self.jobs.stop_events()
