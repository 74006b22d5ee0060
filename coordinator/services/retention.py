"""Deleting results: those past their team's retention (by the sweeper, a batch at a time), and
one an admin deletes. A deleted result takes its job along.

Retention keeps, per collection and tool, the newest `result_keep_last` analyses (COMPLETED or
NO_CHANGE) however old, and every result a NO_CHANGE copy points at: the copy stands for it, and
trends read a stable period from the pair. Everything else older than `result_retention_days`
goes, FAILED and CANCELLED results included; 0 days keeps everything.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, delete, or_, select, update
from sqlalchemy.orm import Session

from ..models import ANALYSED_STATES, Collection, Job, Result, Team
from ..models.team import User
from ..models.work import UNFINISHED_STATES
from . import audit
from .job_admin import get_result

__all__ = ["RETENTION_BATCH", "delete_result", "expire_results"]

RETENTION_BATCH = 500  # results deleted per sweeper pass at most: the rest go at the next ones

_results = Result.__table__


def _expired(team_id: int, cutoff: datetime, keep: int, limit: int) -> Select[Any]:
    """The team's results that retention lets go, oldest first: (id, job_id) rows."""
    newer, copy = _results.alias("newer"), _results.alias("copy")
    kept_newer = (  # at least `keep` newer analyses of the same collection and tool
        select(newer.c.id)
        .where(
            newer.c.team_id == _results.c.team_id,
            newer.c.collection_id == _results.c.collection_id,
            newer.c.tool == _results.c.tool,
            newer.c.status.in_(ANALYSED_STATES),
            or_(
                newer.c.created_at > _results.c.created_at,
                and_(newer.c.created_at == _results.c.created_at, newer.c.id > _results.c.id),
            ),
        )
        .limit(1)
        .offset(keep - 1)
        .exists()
    )
    copied = select(copy.c.id).where(copy.c.source_result_id == _results.c.id).exists()
    return (
        select(_results.c.id, _results.c.job_id)
        .where(
            _results.c.team_id == team_id,
            _results.c.created_at < cutoff,
            _results.c.collection_id.is_not(None),
            ~copied,
            or_(_results.c.status.not_in(ANALYSED_STATES), kept_newer),
        )
        .order_by(_results.c.created_at)
        .limit(limit)
    )


def _delete(session: Session, result_ids: list[int], job_ids: list[int]) -> int:
    """Delete the results and their (finished) jobs; copies of them keep their own JSON and no
    longer point at them. Returns how many jobs went."""
    session.execute(
        update(Result)
        .where(Result.source_result_id.in_(result_ids))
        .values(source_result_id=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(Result).where(Result.id.in_(result_ids)).execution_options(synchronize_session=False)
    )
    if not job_ids:
        return 0
    gone = session.execute(
        delete(Job)
        .where(Job.id.in_(job_ids), Job.status.not_in(UNFINISHED_STATES))
        .execution_options(synchronize_session=False)
    )
    return gone.rowcount


def expire_results(session: Session, now: datetime, batch: int = RETENTION_BATCH) -> int:
    """Delete up to `batch` results past their team's retention at `now`, with their jobs, and
    record each team's count in its audit log. Returns how many results went; not committed."""
    teams = session.execute(
        select(Team.id, Team.guid, Team.result_retention_days, Team.result_keep_last)
        .where(Team.result_retention_days > 0)
        .order_by(Team.id)
    ).all()
    deleted = 0
    for team in teams:
        if deleted >= batch:
            break
        cutoff = now - timedelta(days=team.result_retention_days)
        rows = session.execute(
            _expired(team.id, cutoff, team.result_keep_last, batch - deleted)
        ).all()
        if not rows:
            continue
        jobs = _delete(session, [r.id for r in rows], [r.job_id for r in rows if r.job_id])
        details = {"results": len(rows), "jobs": jobs, "older_than": cutoff.isoformat()}
        audit.record(session, team.id, "results.expired", team.guid, details)
        deleted += len(rows)
    return deleted


def delete_result(session: Session, admin: User, guid: str) -> None:
    """Delete one of the team's results with its job (an admin's call), audited."""
    result = get_result(session, admin.team_id, guid)
    collection = session.get(Collection, result.collection_id) if result.collection_id else None
    details = {
        "tool": result.tool,
        "status": result.status,
        "collection": collection.guid if collection else None,
        "created_at": result.created_at.isoformat(),
    }
    _delete(session, [result.id], [result.job_id] if result.job_id else [])
    audit.record(session, admin.team_id, "result.deleted", result.guid, details, user_id=admin.id)
    session.commit()
