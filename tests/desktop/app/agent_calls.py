"""What a test does as this machine's agent, by hand: claim one queued job (an audit of one),
report its progress, fail it. The agent's own client speaks audits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shuttersense.common.agent_protocol import ProgressRequest
from shuttersense.common.audit_protocol import AuditCompleteRequest, FailOutcome
from shuttersense.desktop.agent.client import CoordinatorClient

__all__ = ["Claimed", "claim_job", "fail_job", "report_progress"]


@dataclass(frozen=True)
class Claimed:
    audit_guid: str
    job_guid: str
    claim_token: str


def claim_job(agent: CoordinatorClient) -> Claimed:
    """The next queued job; the test queued it alone, so its audit holds only it."""
    audit = agent.claim_audit(wait=5)
    assert audit is not None, "no job to claim"
    (job,) = audit.jobs
    return Claimed(audit.audit_guid, job.job_guid, audit.claim_token)


def report_progress(
    agent: CoordinatorClient, claimed: Claimed, percent: float, **fields: Any
) -> bool:
    """Post progress; whether the job's cancellation was asked for."""
    body = ProgressRequest(claim_token=claimed.claim_token, percent=percent, **fields)
    answer = agent.audit_progress(claimed.audit_guid, body)
    (held,) = [job for job in answer.jobs if job.job_guid == claimed.job_guid]
    return held.cancel_requested


def fail_job(agent: CoordinatorClient, claimed: Claimed, reason: str) -> None:
    outcome = FailOutcome(kind="fail", job_guid=claimed.job_guid, error=reason)
    body = AuditCompleteRequest(claim_token=claimed.claim_token, outcomes=[outcome])
    agent.complete_audit(claimed.audit_guid, body)
