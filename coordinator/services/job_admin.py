"""The user side of jobs and results: run a tool, list, cancel, retry; read, render, export.

Every query filters by the caller's team: another team's GUID is NotFound, never Forbidden.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from shuttersense.common.name_runs import expand
from shuttersense.common.report import render_report
from shuttersense.common.results import (
    AnalysisDocument,
    CollectionSummary,
    FolderNames,
    PhotoPairingResult,
    PhotoStatsResult,
    ToolName,
    ToolResult,
)

from ..errors import Conflict, InvalidInput, NotFound
from ..models import ANALYSED_STATES, JOB_STATES, Collection, Job, Result
from ..models.team import User
from . import audit
from .collection_audits import audit_parameters
from .collections import team_collection
from .job_lifecycle import cancel, find_team_job
from .jobs import QueuedJob, create_job
from .result_documents import parse_tool_result

__all__ = [
    "GENERATOR",
    "LIST_LIMIT",
    "cancel_job",
    "collection_guids",
    "export_csv",
    "export_json",
    "get_job",
    "get_result",
    "list_jobs",
    "list_results",
    "render_result_report",
    "result_error",
    "retry_job",
    "run_tool",
    "tool_result",
]

LIST_LIMIT = 200
_RETRYABLE = ("failed", "cancelled")
GENERATOR = "ShutterSense coordinator"


def collection_guids(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Collection id -> GUID for these ids (one query, for lists)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(Collection.id, Collection.guid).where(Collection.id.in_(wanted)))
    return {row.id: row.guid for row in rows}


def run_tool(
    session: Session, user: User, collection: str, tool: str, check_sidecars: bool | None = None
) -> QueuedJob:
    """Queue `tool` on the team's collection `collection` (a GUID), or find it queued or
    running there already. PhotoStats reads the sidecars as `check_sidecars` says (None: as
    the collection's setting does)."""
    target = team_collection(session, user.team_id, collection)
    check = target.check_sidecars if check_sidecars is None else check_sidecars
    parameters = audit_parameters([tool], check)
    queued = create_job(session, target, tool, parameters=parameters, created_by_id=user.id)
    if queued.created:
        audit.record(
            session,
            user.team_id,
            "job.created",
            queued.job.guid,
            {"tool": tool, "collection": target.guid},
            user_id=user.id,
        )
    session.commit()
    return queued


def _filter_by_collection(
    query: Select[Any], session: Session, team_id: int, collection: str | None, column: Any
) -> Select[Any]:
    if collection is None:
        return query
    return query.where(column == team_collection(session, team_id, collection).id)


def list_jobs(
    session: Session, team_id: int, *, status: str | None = None, collection: str | None = None
) -> list[Job]:
    """The team's jobs, newest first, at most LIST_LIMIT."""
    query = select(Job).where(Job.team_id == team_id)
    if status is not None:
        if status not in JOB_STATES:
            raise InvalidInput(f"unknown job status {status!r}")
        query = query.where(Job.status == status)
    query = _filter_by_collection(query, session, team_id, collection, Job.collection_id)
    return list(
        session.scalars(query.order_by(Job.created_at.desc(), Job.id.desc()).limit(LIST_LIMIT))
    )


def get_job(session: Session, team_id: int, guid: str) -> Job:
    return find_team_job(session, team_id, guid)


def cancel_job(session: Session, user: User, guid: str) -> Job:
    """Cancel a queued job at once; ask the agent to stop a claimed or running one."""
    # The row lock (PostgreSQL) keeps a claim from slipping in between the read and the write.
    job = session.scalar(
        select(Job)
        .where(Job.guid == guid, Job.team_id == user.team_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if job is None:
        raise NotFound(f"no job {guid}")
    was = job.status
    if not cancel(session, job):
        session.rollback()
        raise Conflict(f"the job is {job.status} already")
    audit.record(session, user.team_id, "job.cancelled", job.guid, {"was": was}, user_id=user.id)
    session.commit()
    return job


def retry_job(session: Session, user: User, guid: str) -> QueuedJob:
    """A new queued job for the same collection and tool as a failed or cancelled one (or the
    one queued or running there already)."""
    old = find_team_job(session, user.team_id, guid)
    if old.status not in _RETRYABLE:
        raise Conflict(f"only failed or cancelled jobs can be retried; this one is {old.status}")
    collection = session.get(Collection, old.collection_id) if old.collection_id else None
    if collection is None or collection.team_id != user.team_id:
        raise Conflict("the job's collection is gone")
    queued = create_job(
        session,
        collection,
        old.tool,
        parameters=dict(old.parameters),
        created_by_id=user.id,
        max_attempts=old.max_attempts,
    )
    if queued.created:
        retry = {"retry_of": old.guid}
        audit.record(session, user.team_id, "job.retried", queued.job.guid, retry, user_id=user.id)
    session.commit()
    return queued


def list_results(
    session: Session, team_id: int, *, collection: str | None = None, tool: str | None = None
) -> list[Result]:
    """The team's results, newest first, at most LIST_LIMIT."""
    query = select(Result).where(Result.team_id == team_id)
    if tool is not None:
        if tool not in {t.value for t in ToolName}:
            raise InvalidInput(f"unknown tool {tool!r}")
        query = query.where(Result.tool == tool)
    query = _filter_by_collection(query, session, team_id, collection, Result.collection_id)
    order = (Result.created_at.desc(), Result.id.desc())
    return list(session.scalars(query.order_by(*order).limit(LIST_LIMIT)))


def get_result(session: Session, team_id: int, guid: str) -> Result:
    found = session.scalar(select(Result).where(Result.guid == guid, Result.team_id == team_id))
    if found is None:
        raise NotFound(f"no result {guid}")
    return found


def _showable(result: Result) -> None:
    if result.status not in ANALYSED_STATES or not result.results_json:
        raise Conflict(f"a {result.status} result has nothing to show")


def result_error(result: Result) -> str | None:
    """Why the result's job failed or was cancelled; None for a result that has one."""
    if result.status not in ANALYSED_STATES:
        error = result.results_json.get("error")
        return error if isinstance(error, str) else None
    return None


def tool_result(result: Result) -> ToolResult:
    """The stored JSON as its schema; markers a server-side NO_CHANGE copy adds are dropped."""
    _showable(result)
    payload = {k: v for k, v in result.results_json.items() if not k.startswith("_")}
    try:
        return parse_tool_result(payload)
    except InvalidInput as exc:
        raise Conflict(f"the stored result cannot be read: {exc}") from None


def render_result_report(session: Session, team_id: int, guid: str) -> str:
    """The self-contained HTML report of a stored result (a NO_CHANGE copy renders its JSON)."""
    result = get_result(session, team_id, guid)
    parsed = tool_result(result)
    collection = session.get(Collection, result.collection_id) if result.collection_id else None
    total_size = parsed.total_size if isinstance(parsed, PhotoStatsResult) else 0
    if not total_size and collection is not None:
        total_size = collection.storage_bytes or 0
    document = AnalysisDocument(
        generator=GENERATOR,
        generated_at=result.created_at.isoformat(timespec="seconds"),
        collection=CollectionSummary(
            path=collection.root_path if collection else "(collection removed)",
            name=collection.name if collection else "",
            total_files=result.files_scanned,
            total_size=total_size,
        ),
        input_state_hash=result.input_state_hash or "",
        tool_hashes={result.tool: result.input_state_hash} if result.input_state_hash else {},
        results={result.tool: parsed},
        scan_time=parsed.scan_time,
    )
    return render_report(document)


# Spreadsheets run cells that start like a formula; a leading quote keeps them text (OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _by_folder(by_folder: FolderNames, *first: object) -> Iterator[list[object]]:
    return ([*first, folder, name] for folder, names in by_folder.items() for name in expand(names))


def _csv_rows(parsed: ToolResult) -> tuple[list[str], Iterable[list[object]]]:
    """One row per file or image of each finding, the finding told in the first columns."""
    if isinstance(parsed, PhotoStatsResult):
        return ["kind", "folder", "file"], chain(
            _by_folder(parsed.orphaned_images.by_folder, "orphaned_image"),
            _by_folder(parsed.orphaned_sidecars.by_folder, "orphaned_sidecar"),
        )
    if isinstance(parsed, PhotoPairingResult):
        groups = parsed.invalid_names
        return ["reason", "folder", "file"], chain.from_iterable(
            _by_folder(group.by_folder, group.reason) for group in groups
        )
    header = ["status", "termination", "termination_status", "missing", "extra", "folder", "image"]
    return header, chain.from_iterable(
        _by_folder(
            issue.images,
            issue.status.value,
            pattern.termination or "",
            pattern.status.value,
            " ".join(pattern.missing),
            " ".join(pattern.extra),
        )
        for issue in parsed.issues
        for pattern in issue.patterns
    )


def export_csv(result: Result) -> str:
    """The result's findings as CSV: orphans, invalid names, or images not fully consistent."""
    header, rows = _csv_rows(tool_result(result))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue()


def export_json(result: Result) -> str:
    """The stored result as pretty JSON, as stored (a NO_CHANGE copy's markers included)."""
    _showable(result)
    return json.dumps(result.results_json, ensure_ascii=False, indent=2)
