"""What a job or agent event has to tell by push: a job failed, results are ready, a collection
got worse, an agent went offline. Each notice names its event by a key, the same on every
instance that hears it, so that it is queued once (push_outbox.py).

Only new analyses tell of results (analysis spec 7.3): a NO_CHANGE copy tells nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from shuttersense.common.report.document import TOOL_TITLES

from ..event_bus import Event
from ..models import Collection, Job, Result
from .got_worse import worsened_by

__all__ = ["Notice", "notices_for", "tells"]

_METRICS = {"orphaned_files": "orphaned files", "consistent_ratio": "% consistent images"}
_MAX_TEXT = 300


@dataclass(frozen=True)
class Notice:
    kind: str  # one of push_preferences.KINDS
    key: str
    team_id: int
    title: str
    body: str
    url: str  # a path of the dashboard: what a click opens

    def payload(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title[:_MAX_TEXT],
            "body": self.body[:_MAX_TEXT],
            "url": self.url,
            "tag": self.key,
        }


def tells(event: Event) -> bool:
    """Whether the event may make a notice (cheap: decided on the event loop)."""
    if event.get("event") == "agent_offline":
        return True
    return event.get("event") == "state" and event.get("status") in ("failed", "completed")


def _number(value: float) -> str:
    return f"{value:,.1f}".removesuffix(".0")


def _job_notices(session: Session, event: Event) -> list[Notice]:
    team_id = event["team"]
    job = session.scalar(select(Job).where(Job.guid == event.get("job"), Job.team_id == team_id))
    if job is None or job.status != event.get("status"):
        return []  # gone, or moved on since: its later event tells
    collection = session.get(Collection, job.collection_id) if job.collection_id else None
    where = collection.name if collection else "a removed collection"
    tool = TOOL_TITLES.get(job.tool, job.tool)
    if job.status == "failed":
        reason = job.error or "no reason given"
        return [
            Notice(
                "job_failed",
                f"job_failed:{job.guid}",
                team_id,
                f"{tool} failed",
                f"{where}: {reason}",
                "/jobs?status=failed",
            )
        ]
    # Its JSON (megabytes, maybe) is read only if got_worse needs it.
    result = session.scalar(
        select(Result).where(Result.job_id == job.id).options(defer(Result.results_json))
    )
    if result is None or result.no_change_copy:
        return []
    found = [
        Notice(
            "results_ready",
            f"results_ready:{result.guid}",
            team_id,
            f"{tool} finished: {where}",
            f"{result.issues_found:,} issues in {result.files_scanned:,} files",
            f"/results/{result.guid}",
        )
    ]
    worse = worsened_by(session, result)
    if worse is not None:
        what = _METRICS.get(worse.metric, worse.metric)
        found.append(
            Notice(
                "collection_worse",
                f"collection_worse:{result.guid}",
                team_id,
                f"{where} got worse",
                f"{tool}: {_number(worse.before)} → {_number(worse.after)} {what}",
                f"/results/{result.guid}",
            )
        )
    return found


def _agent_notice(event: Event) -> list[Notice]:
    name = str(event.get("agent_name") or "an agent")
    since = str(event.get("last_heartbeat_at") or "")
    return [
        Notice(
            "agent_offline",
            f"agent_offline:{event.get('agent_guid')}:{since}",
            event["team"],
            f"Agent {name} is offline",
            f"No heartbeat since {since[:16].replace('T', ' ')} UTC" if since else "No heartbeat",
            "/",
        )
    ]


def notices_for(session: Session, event: Event) -> list[Notice]:
    """The notices the event makes (none for most events)."""
    if not isinstance(event.get("team"), int) or not tells(event):
        return []
    if event.get("event") == "agent_offline":
        return _agent_notice(event)
    return _job_notices(session, event)
