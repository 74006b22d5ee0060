"""The Jobs view against a real coordinator (both databases): a progress bar that moves with
the WebSocket's events as this machine's agent reports them, a running job cancelled, a
failing job with its reason, and a retry."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pytestqt.qtbot import QtBot

from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.app.api.models import JobSummary
from shuttersense.desktop.app.models.table import VALUE_ROLE
from shuttersense.desktop.app.settings import AppSettings
from shuttersense.desktop.app.views.jobs_view import JobsView
from shuttersense.desktop.app.workers import Workers
from tests.desktop.app.agent_calls import Claimed, claim_job, fail_job, report_progress
from tests.desktop.app.app_factory import SignedInView
from tests.desktop.app.studio import Studio
from tests.desktop.app.team_server import TeamServer

WAIT = 30_000
PROGRESS = 4


def queue(server: TeamServer, collection: str, tool: str) -> str:
    with server.admin_api() as admin:
        made = admin.post(f"/api/collections/{collection}/jobs", json={"tool": tool})
        assert made.status_code == 201, made.text
        return str(made.json()["guid"])


def claim(context: AgentContext) -> Claimed:
    with context.client() as agent:
        return claim_job(agent)


def report(context: AgentContext, claimed: Claimed, percent: float) -> bool:
    """Progress of the claimed job; whether its cancellation was asked for."""
    fields = {"stage": "analysing", "counts": {"files": 120}, "message": "PhotoStats"}
    with context.client() as agent:
        return report_progress(agent, claimed, percent, **fields)


def fail(context: AgentContext, claimed: Claimed, reason: str) -> None:
    with context.client() as agent:
        fail_job(agent, claimed, reason)


def row_of(view: JobsView, guid: str) -> int | None:
    return next((i for i, job in enumerate(view.model.rows()) if job.guid == guid), None)


def shown_percent(view: JobsView, guid: str) -> Any:
    row = row_of(view, guid)
    return None if row is None else view.model.index(row, PROGRESS).data(VALUE_ROLE)


def status_of(view: JobsView, guid: str) -> str | None:
    row = row_of(view, guid)
    return None if row is None else view.model.row(row).status


def test_live_progress_cancel_failure_and_retry(
    qtbot: QtBot,
    context: AgentContext,
    team_server: TeamServer,
    studio: Studio,
    signed_in_view: SignedInView,
) -> None:
    _, view = signed_in_view("jobs", JobsView, lambda v: v.live.text() == "Live updates: on")
    collection = studio.collection["guid"]

    running = queue(team_server, collection, "photostats")
    qtbot.waitUntil(lambda: status_of(view, running) == "queued", timeout=WAIT)
    claimed = claim(context)
    assert claimed.job_guid == running
    report(context, claimed, 40)
    qtbot.waitUntil(lambda: shown_percent(view, running) == 40, timeout=WAIT)
    report(context, claimed, 75)
    qtbot.waitUntil(lambda: shown_percent(view, running) == 75, timeout=WAIT)
    row = row_of(view, running)
    assert row is not None
    assert view.model.index(row, PROGRESS).data() == "analysing — PhotoStats"

    view.select(running)
    assert view.cancel.isEnabled() and not view.retry.isEnabled()
    view.cancel.click()
    qtbot.waitUntil(lambda: "cancel asked" in (view.model.index(row, 3).data() or ""), timeout=WAIT)
    assert report(context, claimed, 80) is True  # the agent is told
    fail(context, claimed, "the job was cancelled")
    qtbot.waitUntil(lambda: status_of(view, running) == "cancelled", timeout=WAIT)
    assert shown_percent(view, running) is None  # no bar once it ended

    failing = queue(team_server, collection, "photo_pairing")
    qtbot.waitUntil(lambda: status_of(view, failing) == "queued", timeout=WAIT)
    claimed = claim(context)
    assert claimed.job_guid == failing
    reason = "the folder cannot be read: permission denied (check its permissions)"
    fail(context, claimed, reason)
    qtbot.waitUntil(lambda: status_of(view, failing) == "failed", timeout=WAIT)
    view.select(failing)
    assert view.reason.text() == f"Why it failed: {reason}"
    failed_row = row_of(view, failing)
    assert failed_row is not None
    assert view.model.index(failed_row, 6).data() == reason
    assert view.retry.isEnabled() and not view.cancel.isEnabled()
    before = view.model.rowCount()
    view.retry.click()
    qtbot.waitUntil(lambda: view.model.rowCount() == before + 1, timeout=WAIT)
    again = [
        job for job in view.model.rows() if job.tool == "photo_pairing" and job.guid != failing
    ]
    assert [job.status for job in again] == ["queued"]


def test_a_job_that_ended_before_the_list_showed_it_is_told(
    qtbot: QtBot, app_settings: AppSettings
) -> None:
    """A short job can be queued, run and ended before the list is read again: its end still
    reaches the views that follow jobs (Collections reads its figures again)."""
    view = JobsView(Workers(), app_settings)
    qtbot.addWidget(view)
    ended = {"event": "state", "job": "job_1", "tool": "photostats", "status": "completed"}
    with qtbot.waitSignal(view.job_ended, timeout=5_000) as told:
        view.bridge.event.emit(ended)  # as the socket's thread delivers it
    assert told.args == ["job_1"]
    with qtbot.assertNotEmitted(view.job_ended):
        view.bridge.event.emit({**ended, "job": "job_2", "status": "running"})


def test_a_job_the_list_already_shows_ended_is_still_told_when_its_end_arrives(
    qtbot: QtBot, app_settings: AppSettings
) -> None:
    """The list read again after a short job ended, and its events came after that read."""
    view = JobsView(Workers(), app_settings)
    qtbot.addWidget(view)
    done = JobSummary(
        guid="job_1",
        tool="photostats",
        status="completed",
        collection="col_a",
        created_at=datetime(2026, 12, 2, 12, tzinfo=UTC),
    )
    view.model.set_rows([done])
    ended = {"event": "state", "job": "job_1", "tool": "photostats", "status": "completed"}
    with qtbot.waitSignal(view.job_ended, timeout=5_000) as told:
        view.bridge.event.emit(ended)
    assert told.args == ["job_1"]
