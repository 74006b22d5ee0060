"""One claimed audit, start to finish on this machine: authorize the path, scan once, decide
NO_CHANGE per tool from its input-state hash, analyse the tools whose hash changed on that same
listing, and sign each result.

Pure work: it talks to nobody. Progress goes to a callback, cancellation is polled through
another (checked at every progress tick, i.e. every few thousand files), and the outcomes say
what to send back, one per job of the audit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from pydantic import ValidationError

from shuttersense.common.analysis import analyse_listing
from shuttersense.common.analysis_request import AnalysisRequest, input_state_hashes
from shuttersense.common.audit_protocol import AuditClaimResponse, AuditJob
from shuttersense.common.config import TeamConfig
from shuttersense.common.errors import ShutterSenseError
from shuttersense.common.listing import scan_collection
from shuttersense.common.pipeline import Pipeline, checked_pipeline
from shuttersense.common.protocol import result_signature
from shuttersense.common.results import ToolName

from .errors import JobCancelled, PathNotAuthorized
from .roots import AuthorizedRoots

__all__ = [
    "PIPELINE_HINT",
    "Outcome",
    "ProgressReport",
    "StageProgress",
    "execute_audit",
    "wire_outcome",
]

PIPELINE_HINT = "set a default pipeline on the coordinator, or give the collection one"

ProgressReport = Callable[[str, float, dict[str, int], str], None]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What to tell the coordinator about one job: `complete` or `no-change` with `body`, or
    `fail`."""

    kind: Literal["complete", "no-change", "fail"]
    body: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    retryable: bool = False
    job_guid: str = ""


def wire_outcome(outcome: Outcome) -> dict[str, Any]:
    """The outcome as `POST /audits/{guid}/complete` takes it (an `AuditOutcome`'s JSON)."""
    if outcome.kind == "fail":
        return {
            "kind": "fail",
            "job_guid": outcome.job_guid,
            "error": outcome.error[:4000],
            "retryable": outcome.retryable,
        }
    kind = "complete" if outcome.kind == "complete" else "no_change"
    return {"kind": kind, "job_guid": outcome.job_guid, **outcome.body}


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


def _request(claim: AuditClaimResponse, root: Any, tools: tuple[ToolName, ...]) -> AnalysisRequest:
    pipeline: Pipeline | None = None
    if claim.pipeline:
        pipeline = checked_pipeline(claim.pipeline)
    check = any(job.parameters.get("check_sidecars") for job in claim.jobs)
    return AnalysisRequest(
        root=root,
        config=TeamConfig.model_validate(claim.config or {}),
        pipeline=pipeline,
        tools=tools,
        check_sidecars=bool(check),
        pipeline_hint=PIPELINE_HINT,
    )


def _runnable(claim: AuditClaimResponse, outcomes: dict[str, Outcome]) -> dict[ToolName, AuditJob]:
    """The audit's jobs whose tool this agent can run, by tool; the others fail in `outcomes`."""
    jobs: dict[ToolName, AuditJob] = {}
    for job in claim.jobs:
        guid = job.job_guid
        try:
            tool = ToolName(job.tool)
        except ValueError:
            error = f"the job cannot run: unknown tool {job.tool!r}"
            outcomes[guid] = Outcome("fail", error=error, job_guid=guid)
            continue
        if tool is ToolName.PIPELINE_VALIDATION and not claim.pipeline:
            error = f"pipeline_validation needs a pipeline: {PIPELINE_HINT}"
            outcomes[guid] = Outcome("fail", error=error, job_guid=guid)
            continue
        if tool in jobs:  # the coordinator sends one job per tool; a second one is refused
            outcomes[guid] = Outcome("fail", error=f"a second {tool.value} job", job_guid=guid)
            continue
        jobs[tool] = job
    return jobs


def execute_audit(
    claim: AuditClaimResponse,
    roots: AuthorizedRoots,
    report: ProgressReport,
    cancelled: Callable[[], bool],
) -> list[Outcome]:
    """Run the jobs of `claim` (an audit claim answer) on one listing of its collection and say
    how each ended, in the claim's order. Never raises for the audit's own failure."""
    guids = [job.job_guid for job in claim.jobs]

    def all_fail(error: str, retryable: bool = False) -> list[Outcome]:
        return [Outcome("fail", error=error, retryable=retryable, job_guid=g) for g in guids]

    collection = claim.collection
    if collection is None:
        return all_fail("the job names no collection to analyse")
    outcomes: dict[str, Outcome] = {}
    jobs = _runnable(claim, outcomes)
    try:
        root = roots.authorize(collection.root_path)
        request = _request(claim, root, tuple(tool for tool in ToolName if tool in jobs))
    except PathNotAuthorized as exc:
        return all_fail(f"refused by the agent: {exc}")
    except (ShutterSenseError, ValueError, ValidationError) as exc:
        return all_fail(f"the job cannot run: {exc}")
    if jobs:
        try:
            outcomes.update(_run(claim, jobs, request, report, cancelled))
        except JobCancelled as exc:
            return all_fail(str(exc))
        except ShutterSenseError as exc:
            return all_fail(str(exc))
        except MemoryError:
            return all_fail("the agent ran out of memory", retryable=True)
    return [outcomes[guid] for guid in guids]


def _run(
    claim: AuditClaimResponse,
    jobs: dict[ToolName, AuditJob],
    request: AnalysisRequest,
    report: ProgressReport,
    cancelled: Callable[[], bool],
) -> dict[str, Outcome]:
    """One listing, NO_CHANGE where a tool's hash is its previous result's, the other tools
    analysed together on that listing."""
    sink = StageProgress(report, cancelled)
    report("initializing", 0.0, {}, str(request.root))
    listing = scan_collection(request.root, sink)
    log.info(
        "audit %s: one listing of %d files for %d job(s)",
        claim.audit_guid,
        len(listing.entries),
        len(jobs),
    )
    hashes = input_state_hashes(request, listing)
    outcomes: dict[str, Outcome] = {}
    changed: list[ToolName] = []
    for tool, job in jobs.items():
        previous = job.previous_result
        if previous is not None and previous.input_state_hash == hashes[tool.value]:
            body = {"input_state_hash": hashes[tool.value], "source_result_guid": previous.guid}
            outcomes[job.job_guid] = Outcome("no-change", body, job_guid=job.job_guid)
        else:
            changed.append(tool)
    if not changed:
        return outcomes
    document = analyse_listing(replace(request, tools=tuple(changed)), listing, sink)
    report("generating", 85.0, {"files": len(listing.entries)}, "sending the results")
    for tool in changed:
        guid = jobs[tool].job_guid
        result = document.results[tool.value].model_dump(mode="json")
        state_hash = hashes[tool.value]
        signature = result_signature(claim.claim_secret, guid, state_hash, result)
        body = {"result": result, "input_state_hash": state_hash, "signature": signature}
        outcomes[guid] = Outcome("complete", body, job_guid=guid)
    return outcomes
