"""One HTML report of a collection: the newest COMPLETED or NO_CHANGE result of each tool,
rendered together as `shuttersense analyze` renders one run (common.report.render_report)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuttersense.common.report import render_report
from shuttersense.common.results import (
    AnalysisDocument,
    CollectionSummary,
    PhotoStatsResult,
    ToolName,
    ToolResult,
)

from ..errors import Conflict
from ..models import ANALYSED_STATES, Result
from .collections import team_collection
from .job_admin import GENERATOR, tool_result

__all__ = ["latest_results", "render_collection_report"]


def latest_results(session: Session, collection_id: int) -> dict[str, Result]:
    """The newest COMPLETED or NO_CHANGE result of each tool on the collection, by tool."""
    newest: dict[str, Result] = {}
    for tool in ToolName:
        found = session.scalar(
            select(Result)
            .where(
                Result.collection_id == collection_id,
                Result.tool == tool.value,
                Result.status.in_(ANALYSED_STATES),
            )
            .order_by(Result.created_at.desc(), Result.id.desc())
            .limit(1)
        )
        if found is not None:
            newest[tool.value] = found
    return newest


def render_collection_report(session: Session, team_id: int, guid: str) -> str:
    """The collection's report; NotFound for another team's collection, Conflict while it has
    no result to show."""
    collection = team_collection(session, team_id, guid)
    newest = latest_results(session, collection.id)
    if not newest:
        raise Conflict(
            f"collection {guid} has no completed result yet: run an audit "
            f"(POST /api/collections/{guid}/audits) and ask again once it has finished"
        )
    parsed: dict[str, ToolResult] = {tool: tool_result(row) for tool, row in newest.items()}
    stats = parsed.get(ToolName.PHOTOSTATS.value)
    total_size = stats.total_size if isinstance(stats, PhotoStatsResult) else 0
    files = max(row.files_scanned for row in newest.values())
    latest = max(row.created_at for row in newest.values())
    hashes = {tool: row.input_state_hash for tool, row in newest.items() if row.input_state_hash}
    document = AnalysisDocument(
        generator=GENERATOR,
        generated_at=latest.isoformat(timespec="seconds"),
        collection=CollectionSummary(
            path=collection.root_path,
            name=collection.name,
            total_files=stats.total_files if isinstance(stats, PhotoStatsResult) else files,
            total_size=total_size or collection.storage_bytes or 0,
        ),
        input_state_hash="",
        tool_hashes=hashes,
        results=parsed,
        scan_time=max(result.scan_time for result in parsed.values()),
    )
    return render_report(document)
