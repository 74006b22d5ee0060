"""One claimed job, start to finish on this machine: authorize the path, scan once, decide
NO_CHANGE from the input-state hash, else analyse and sign the result.

Pure work: it talks to nobody. Progress goes to a callback, cancellation is polled through
another (checked at every progress tick, i.e. every few thousand files), and the outcome says
what to send back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from shuttersense.common.agent_protocol import ClaimResponse
from shuttersense.common.analysis import (
    AnalysisRequest,
    analyse_listing,
    input_state_hashes,
    scan_collection,
)
from shuttersense.common.config import TeamConfig
from shuttersense.common.errors import ShutterSenseError
from shuttersense.common.pipeline import Pipeline, checked_pipeline
from shuttersense.common.protocol import result_signature
from shuttersense.common.results import ToolName

from .errors import JobCancelled, PathNotAuthorized
from .roots import AuthorizedRoots

__all__ = ["PIPELINE_HINT", "Outcome", "ProgressReport", "StageProgress", "execute_job"]

PIPELINE_HINT = "set a default pipeline on the coordinator, or give the collection one"

ProgressReport = Callable[[str, float, dict[str, int], str], None]


@dataclass(frozen=True)
class Outcome:
    """What to tell the coordinator: `complete` or `no-change` with `body`, or `fail`."""

    kind: Literal["complete", "no-change", "fail"]
    body: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    retryable: bool = False


class StageProgress:
    """Turns the analysis' (stage, done, total) into the protocol's stage and percent (7.7:
    scanning from 10 %, analysing 30-80 %, hashing 85 %), and stops work when cancelled."""

    def __init__(self, report: ProgressReport, cancelled: Callable[[], bool]) -> None:
        self._report = report
        self._cancelled = cancelled

    def update(self, stage: str, done: int, total: int | None = None) -> None:
        if self._cancelled():
            raise JobCancelled("the job was cancelled")
        if stage == "scanning":
            self._report("scanning", 10.0, {"files": done}, f"{done:,} files listed")
        elif stage == "hashing":
            self._report("calculating", 85.0, {}, "computing the input-state hash")
        else:
            share = done / total if total else 0.0
            self._report("analyzing", round(30.0 + 50.0 * share, 1), {}, stage)


def _request(job: ClaimResponse, root: Any) -> AnalysisRequest:
    tool = ToolName(job.tool)
    pipeline: Pipeline | None = None
    if job.pipeline:
        pipeline = checked_pipeline(job.pipeline)
    return AnalysisRequest(
        root=root,
        config=TeamConfig.model_validate(job.config or {}),
        pipeline=pipeline,
        tools=(tool,),
        pipeline_hint=PIPELINE_HINT,
    )


def execute_job(
    job: ClaimResponse,
    roots: AuthorizedRoots,
    report: ProgressReport,
    cancelled: Callable[[], bool],
) -> Outcome:
    """Run `job` (a claim answer) and say how it ended. Never raises for a job's own failure."""
    collection = job.collection
    if collection is None:
        return Outcome("fail", error="the job names no collection to analyse")
    try:
        root = roots.authorize(collection.root_path)
        request = _request(job, root)
    except PathNotAuthorized as exc:
        return Outcome("fail", error=f"refused by the agent: {exc}")
    except (ShutterSenseError, ValueError, ValidationError) as exc:
        return Outcome("fail", error=f"the job cannot run: {exc}")
    sink = StageProgress(report, cancelled)
    try:
        report("initializing", 0.0, {}, str(root))
        listing = scan_collection(root, sink)
        state_hash = input_state_hashes(request, listing)[job.tool]
        previous = job.previous_result
        if previous is not None and previous.input_state_hash == state_hash:
            body = {"input_state_hash": state_hash, "source_result_guid": previous.guid}
            return Outcome("no-change", body)
        document = analyse_listing(request, listing, sink)
    except JobCancelled as exc:
        return Outcome("fail", error=str(exc))
    except ShutterSenseError as exc:
        return Outcome("fail", error=str(exc))
    except MemoryError:
        return Outcome("fail", error="the agent ran out of memory", retryable=True)
    result = document.results[job.tool].model_dump(mode="json")
    report("generating", 85.0, {"files": len(listing.entries)}, "sending the result")
    signature = result_signature(job.claim_secret, job.job_guid, state_hash, result)
    body = {"result": result, "input_state_hash": state_hash, "signature": signature}
    return Outcome("complete", body)
