"""The newest results of each collection and tool, in one query (a window over `results`).

The dashboard reads them for its KPIs and lists, the "got worse" comparison for the newest two
real analyses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, defer

from ..models import ANALYSED_STATES, Result

__all__ = ["newest_results"]


def newest_results(
    session: Session,
    team_id: int,
    *,
    per_target: int = 1,
    states: Sequence[str] = ANALYSED_STATES,
    collections: Iterable[int] | None = None,
    tools: Iterable[str] | None = None,
) -> dict[tuple[int, str], list[Result]]:
    """(collection id, tool) -> its newest `per_target` results in `states`, newest first."""
    filters: list[ColumnElement[bool]] = [
        Result.team_id == team_id,
        Result.collection_id.is_not(None),
        Result.status.in_(states),
    ]
    if collections is not None:
        filters.append(Result.collection_id.in_(list(collections)))
    if tools is not None:
        filters.append(Result.tool.in_(list(tools)))
    ranked = (
        select(
            Result.id,
            func.row_number()
            .over(
                partition_by=(Result.collection_id, Result.tool),
                order_by=(Result.created_at.desc(), Result.id.desc()),
            )
            .label("rank"),
        )
        .where(*filters)
        .subquery()
    )
    chosen = select(ranked.c.id).where(ranked.c.rank <= per_target)
    found: dict[tuple[int, str], list[Result]] = {}
    rows = session.scalars(
        select(Result)
        .options(defer(Result.results_json))  # megabytes, maybe: loaded if a caller reads it
        .where(Result.id.in_(chosen))
        .order_by(Result.created_at.desc(), Result.id.desc())
    )
    for result in rows:
        found.setdefault((result.collection_id or 0, result.tool), []).append(result)
    return found
