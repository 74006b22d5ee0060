"""Sending what the offline store keeps: late job completions, audits' outcomes and local runs'
results.

Each kept result is removed once the coordinator has it. A job result whose claim was
superseded is dropped (the job ran again elsewhere: one result per job); one the coordinator
refuses for good is set aside with its reason; an unreachable coordinator stops the pass and
leaves the rest for next time. An audit's outcomes go in one request (one chunked upload when
large); the coordinator takes or refuses each on its own, so the answer settles them all: the
kept outcomes are removed, or set aside when one was refused for good. Uploads carry their
idempotency key, so a result sent twice (killed between sending and forgetting) is stored once;
an audit's outcomes sent twice are answered with the results stored the first time. A result is
sent only under the store's `sending` claim, so two processes syncing at once never send the
same one, and each counts only what it settled itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal, NamedTuple

from pydantic import ValidationError

from shuttersense.common.agent_protocol import CompleteRequest, NoChangeRequest, OfflineResult
from shuttersense.common.audit_protocol import AuditCompleteRequest, OutcomeAnswer

from .chunked_upload import CHUNKED_ABOVE, encoded, send_in_chunks
from .client import CoordinatorClient
from .errors import (
    AgentError,
    AuthRefused,
    ClaimLost,
    CoordinatorRefused,
    CoordinatorUnreachable,
)
from .local_collections import collection_for_path
from .offline_store import OfflineStore, PendingResult

__all__ = ["Delivery", "SyncReport", "deliver", "sync_pending"]

log = logging.getLogger(__name__)


@dataclass
class SyncReport:
    sent: int = 0
    dropped: int = 0
    rejected: int = 0
    remaining: int = 0
    unreachable: str | None = None


class _Incomplete(AgentError):
    """A kept result that lacks what sending it needs (the store was edited by hand)."""


# A refusal the coordinator would repeat for the same outcome; 409 and 404 mean the job is no
# longer this claim's (it ran again elsewhere, or is gone): dropped, as a single job's is.
_SUPERSEDED = (404, 409)


def _send_audit(client: CoordinatorClient, item: PendingResult) -> list[str]:
    """Send a kept audit's outcomes; the jobs whose outcome was refused for good, with why."""
    if not item.claim_token:
        raise _Incomplete("no claim token")
    audit_guid = item.body["audit_guid"]
    document = {"outcomes": item.body["outcomes"]}
    data = encoded(document)
    answers: list[OutcomeAnswer]
    try:
        if len(data) > CHUNKED_ABOVE:
            target = {"audit_guid": audit_guid, "claim_token": item.claim_token}
            finished = send_in_chunks(client, target, data, {"claim_token": item.claim_token})
            answers = [OutcomeAnswer.model_validate(one) for one in finished.get("outcomes") or []]
        else:
            body = AuditCompleteRequest(claim_token=item.claim_token, **document)
            answers = client.complete_audit(audit_guid, body).outcomes
    except ValidationError as exc:  # the store was edited by hand: not outcomes to send
        raise _Incomplete(f"not outcomes the coordinator takes: {exc}") from None
    refused = []
    for one in answers:
        if one.status != "refused":
            continue
        why = f"{one.job_guid}: {one.detail}"
        if one.refused_status in _SUPERSEDED:
            log.warning("dropped the kept outcome of job %s", why)
        else:
            refused.append(why)
    return refused


def _send(client: CoordinatorClient, store: OfflineStore, item: PendingResult) -> None:
    try:
        _send_checked(client, store, item)
    except ValidationError as exc:  # the store was edited by hand: not a result to send
        raise _Incomplete(f"not a result the coordinator takes: {exc}") from None


def _send_checked(client: CoordinatorClient, store: OfflineStore, item: PendingResult) -> None:
    result = item.body.get("result")
    data = encoded(result) if result is not None else b""
    if item.kind in ("complete", "no-change"):
        if not (item.job_guid and item.claim_token):
            raise _Incomplete("no job or claim token")
        body = {"claim_token": item.claim_token, **item.body}
        if item.kind == "no-change":
            client.no_change(item.job_guid, NoChangeRequest.model_validate(body))
        elif len(data) > CHUNKED_ABOVE:
            target = {"job_guid": item.job_guid, "claim_token": item.claim_token}
            finish = {key: value for key, value in body.items() if key != "result"}
            send_in_chunks(client, target, data, finish)
        else:
            client.complete(item.job_guid, CompleteRequest.model_validate(body))
        return
    guid = item.collection_guid
    if guid is None:
        if not (item.root_path and item.collection_name):
            raise _Incomplete("no collection and no folder")
        try:
            guid = collection_for_path(client, item.root_path, item.collection_name)["guid"]
        except ClaimLost as exc:  # a 409 here is a name clash, not a lost claim: keep the result
            raise CoordinatorRefused(exc.status, exc.detail) from None
        store.set_collection(item.root_path, guid)
    target = {"idempotency_key": item.key, "collection_guid": guid}
    if len(data) > CHUNKED_ABOVE:
        finish = {"input_state_hash": item.body.get("input_state_hash")}
        send_in_chunks(client, target, data, finish)
    else:
        client.upload_result(OfflineResult.model_validate({**target, **item.body}))


class Delivery(NamedTuple):
    """How sending a kept result ended: `sent`, `dropped` (superseded), `rejected` (why), or
    `taken` (another process or thread is sending it, or has settled it already). For an
    audit, `refused` names the jobs whose outcome the coordinator refused for good."""

    state: Literal["sent", "dropped", "rejected", "taken"]
    error: str = ""
    refused: tuple[str, ...] = ()


def deliver(client: CoordinatorClient, store: OfflineStore, key: str) -> Delivery:
    """Send the kept result `key`, if no one else is, and settle it in the store.
    CoordinatorUnreachable (the result stays kept) and AuthRefused propagate."""
    with store.sending(key) as item:
        if item is None:
            return Delivery("taken")
        try:
            if item.kind == "audit":
                refused = _send_audit(client, item)
                if refused:
                    error = "; ".join(refused)
                    log.error("the coordinator refused kept outcomes for good: %s", error)
                    store.reject(item.key, error)
                    jobs = tuple(why.split(":", 1)[0] for why in refused)
                    return Delivery("rejected", error, jobs)
            else:
                _send(client, store, item)
        except CoordinatorUnreachable as exc:
            store.note_error(item.key, str(exc))
            raise
        except AuthRefused:
            raise
        except ClaimLost as exc:
            log.warning("dropped the kept result of job %s: %s", item.job_guid, exc.detail)
            store.remove(item.key)
            return Delivery("dropped")
        except (CoordinatorRefused, _Incomplete) as exc:
            log.error("the coordinator refused a kept %s result for good: %s", item.tool, exc)
            store.reject(item.key, str(exc))
            return Delivery("rejected", str(exc))
        store.remove(item.key)
        return Delivery("sent")


def sync_pending(client: CoordinatorClient, store: OfflineStore) -> SyncReport:
    """One pass over the kept results, oldest first; the report counts only the results this
    pass settled. AuthRefused propagates (re-register)."""
    report = SyncReport()
    for key in store.pending_keys():
        try:
            outcome = deliver(client, store, key)
        except CoordinatorUnreachable as exc:
            report.remaining = store.counts()["pending"]
            report.unreachable = str(exc)
            return report
        if outcome.state == "sent":
            report.sent += 1
        elif outcome.state == "dropped":
            report.dropped += 1
        elif outcome.state == "rejected":
            report.rejected += 1
    return report
