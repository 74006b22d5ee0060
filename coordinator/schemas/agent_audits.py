"""Request and response bodies of an agent's calls about an audit (`/api/agent/v1/audits`): the
typed set in common/audit_protocol.py, which the agent and the tests' fake coordinator use too."""

from __future__ import annotations

from shuttersense.common.audit_protocol import (
    AuditClaimResponse,
    AuditCompleteRequest,
    AuditCompleteResponse,
    AuditJob,
    AuditOutcome,
    AuditOutcomes,
    AuditProgressResponse,
    CompleteOutcome,
    FailOutcome,
    JobHeld,
    NoChangeOutcome,
    OutcomeAnswer,
)

__all__ = [
    "AuditClaimResponse",
    "AuditCompleteRequest",
    "AuditCompleteResponse",
    "AuditJob",
    "AuditOutcome",
    "AuditOutcomes",
    "AuditProgressResponse",
    "CompleteOutcome",
    "FailOutcome",
    "JobHeld",
    "NoChangeOutcome",
    "OutcomeAnswer",
]
