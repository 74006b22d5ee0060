"""Whether a collection got worse: its newest real analysis against the one before it, by the
value the trends follow for the tool and the way that value is better (trend_metrics.headline):
more orphaned files for PhotoStats, a smaller share of consistent images for Pipeline
Validation. Photo Pairing has no better or worse. NO_CHANGE copies repeat their source, so only
COMPLETED results are compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from ..models import Collection, Result
from . import trend_metrics
from .newest_results import newest_results

__all__ = ["Worse", "compare", "worse_collections", "worsened_by"]

_TOOLS = ("photostats", "pipeline_validation")  # the tools with a headline


@dataclass(frozen=True)
class Worse:
    collection_guid: str
    collection_name: str
    tool: str
    metric: str
    before: float
    after: float
    result_guid: str
    at: datetime


def _headline_value(tool: str, counted: trend_metrics.Counts, metric: str) -> float | None:
    value = trend_metrics.metrics(tool, counted).get(metric)
    return float(value) if isinstance(value, int | float) else None


def compare(
    tool: str, newer: trend_metrics.Counts, older: trend_metrics.Counts
) -> tuple[str, float, float] | None:
    """(metric, before, after) when the newer result's counts are worse than the older's; None
    when they are not, or when the tool has no better or worse."""
    headline = trend_metrics.headline(tool)
    if headline is None:
        return None
    after = _headline_value(tool, newer, headline.metric)
    before = _headline_value(tool, older, headline.metric)
    if after is None or before is None or after == before:
        return None
    if (after > before) != headline.lower_is_better:
        return None
    return headline.metric, before, after


def _worse(collection: Collection, pair: list[Result]) -> Worse | None:
    if len(pair) < 2:
        return None
    newer, older = pair[0], pair[1]
    compared = compare(newer.tool, trend_metrics.counts_of(newer), trend_metrics.counts_of(older))
    if compared is None:
        return None
    metric, before, after = compared
    return Worse(
        collection.guid,
        collection.name,
        newer.tool,
        metric,
        before,
        after,
        newer.guid,
        newer.created_at,
    )


def worse_collections(session: Session, team_id: int) -> list[Worse]:
    """The team's collections whose newest analysis is worse than the one before, newest
    first."""
    pairs = newest_results(session, team_id, per_target=2, states=("COMPLETED",), tools=_TOOLS)
    if not pairs:
        return []
    ids = {collection_id for collection_id, _ in pairs}
    collections = {
        c.id: c for c in session.scalars(select(Collection).where(Collection.id.in_(ids)))
    }
    found = [
        worse
        for (collection_id, _tool), pair in pairs.items()
        if (worse := _worse(collections[collection_id], pair)) is not None
    ]
    return sorted(found, key=lambda worse: worse.at, reverse=True)


def worsened_by(session: Session, result: Result) -> Worse | None:
    """Whether `result` made its collection worse than its real analysis before it."""
    if result.status != "COMPLETED" or result.collection_id is None or result.tool not in _TOOLS:
        return None
    older = session.scalar(
        select(Result)
        .options(defer(Result.results_json))
        .where(
            Result.collection_id == result.collection_id,
            Result.tool == result.tool,
            Result.status == "COMPLETED",
            Result.id != result.id,
            Result.created_at <= result.created_at,
        )
        .order_by(Result.created_at.desc(), Result.id.desc())
        .limit(1)
    )
    if older is None:
        return None
    return _worse(session.get_one(Collection, result.collection_id), [result, older])
