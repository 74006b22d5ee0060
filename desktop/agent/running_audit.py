"""A claimed audit as the runner holds it: its jobs, what cancels them, its latest progress,
and the calls about it that need no more than the coordinator client (progress, release, a
refusal reported)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from shuttersense.common.agent_protocol import ProgressRequest
from shuttersense.common.audit_protocol import AuditClaimResponse, AuditCompleteRequest

from .client import CoordinatorClient
from .errors import ClaimLost, CoordinatorRefused, CoordinatorUnreachable
from .executor import Outcome, execute_audit, wire_outcome
from .roots import AuthorizedRoots
from .sync import Delivery

__all__ = ["RunningAudit", "release_audit", "report_refusal", "send_progress"]

log = logging.getLogger(__name__)


@dataclass
class RunningAudit:
    """A claimed audit. `cancel` stops the scan (every job's cancellation was asked for, the
    claim was lost, or the agent stops); a job cancelled alone is only left out (`cancelled`)."""

    claim: AuditClaimResponse
    cancel: threading.Event = field(default_factory=threading.Event)
    cancelled: set[str] = field(default_factory=set)
    latest: tuple[str, float, dict[str, int], str] = ("initializing", 0.0, {}, "")

    @property
    def guid(self) -> str:
        return self.claim.audit_guid

    @property
    def jobs(self) -> list[str]:
        return [job.job_guid for job in self.claim.jobs]

    def cancel_jobs(self, guids: set[str]) -> None:
        self.cancelled |= guids & set(self.jobs)
        if self.cancelled >= set(self.jobs):
            self.cancel.set()

    def cancel_as_told(self, commands: list[dict[str, str]]) -> None:
        """Cancel the jobs a heartbeat's `cancel_job` commands name."""
        cancelled = {c.get("job") for c in commands if c.get("type") == "cancel_job"}
        if cancelled & set(self.jobs):
            log.info("jobs %s cancelled by the coordinator", sorted(cancelled & set(self.jobs)))
            self.cancel_jobs(cancelled)

    def report(self, stage: str, percent: float, counts: dict[str, int], message: str) -> None:
        self.latest = (stage, percent, counts, message)

    def run_jobs(self, roots: AuthorizedRoots) -> list[Outcome]:
        """The jobs' outcomes; a bug fails the jobs instead of killing the agent."""
        try:
            return execute_audit(self.claim, roots, self.report, self.cancel.is_set)
        except Exception as exc:
            log.exception("audit %s crashed", self.guid)
            error = f"the agent failed: {exc}"
            return [Outcome("fail", error=error, retryable=True, job_guid=g) for g in self.jobs]

    def without_cancelled(self, outcomes: list[Outcome]) -> list[Outcome]:
        """A job whose cancellation was asked for while the others ran ends with a `fail`
        (the coordinator ends it cancelled) instead of its result."""
        return [
            Outcome("fail", error="the job was cancelled", job_guid=o.job_guid)
            if o.job_guid in self.cancelled
            else o
            for o in outcomes
        ]


def send_progress(client: CoordinatorClient, audit: RunningAudit) -> bool:
    """Report progress; True when the claim is lost. An unreachable coordinator is fine: the
    work goes on and its results are kept until it is back."""
    stage, percent, counts, message = audit.latest
    body = ProgressRequest(
        claim_token=audit.claim.claim_token,
        stage=stage,
        percent=percent,
        counts=counts,
        message=message[:500],
    )
    try:
        answer = client.audit_progress(audit.guid, body)
    except ClaimLost:
        audit.cancel.set()
        return True
    except (CoordinatorUnreachable, CoordinatorRefused) as exc:
        log.debug("progress of %s not sent: %s", audit.guid, exc)
        return False
    lost = set(audit.jobs) - {job.job_guid for job in answer.jobs}
    audit.cancel_jobs(lost | {job.job_guid for job in answer.jobs if job.cancel_requested})
    return False


def report_refusal(client: CoordinatorClient, audit: RunningAudit, delivery: Delivery) -> None:
    """Fail the jobs whose result the coordinator refused, rather than leave them to time out
    and run again."""
    error = f"the coordinator refused the result: {delivery.error}"
    refused = delivery.refused or audit.jobs  # some outcomes, or the whole request
    failed = [wire_outcome(Outcome("fail", error=error, job_guid=g)) for g in refused]
    body = {"claim_token": audit.claim.claim_token, "outcomes": failed}
    try:
        client.complete_audit(audit.guid, AuditCompleteRequest.model_validate(body))
    except (ClaimLost, CoordinatorUnreachable, CoordinatorRefused) as exc:
        log.warning("could not report the refusal for audit %s: %s", audit.guid, exc)


def release_audit(client: CoordinatorClient, audit: RunningAudit) -> None:
    """Hand the audit's jobs back unfinished (the agent stops, or paused as it was claimed)."""
    token = audit.claim.claim_token
    for guid in audit.jobs:
        try:
            client.release(guid, claim_token=token)
            log.info("released job %s on the way out", guid)
        except (CoordinatorUnreachable, CoordinatorRefused) as exc:
            log.warning("could not release job %s: %s", guid, exc)
