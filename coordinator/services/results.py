"""Results that agents made offline and upload later, keyed by the agent's idempotency key."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..ids import new_guid
from ..models import Agent, Result
from .collection_stats import record_stats
from .collections import team_collection
from .completion import StoredResult
from .result_documents import ResultDocument

__all__ = ["upload_offline_result"]

_results = Result.__table__
_INSERT_RESULT = insert(_results).returning(_results.c.id)


def _existing(session: Session, agent: Agent, key: str) -> StoredResult | None:
    """Only the result's id and GUID: its JSON may be megabytes."""
    found = session.execute(
        select(Result.id, Result.guid).where(
            Result.agent_id == agent.id, Result.idempotency_key == key
        )
    ).first()
    return StoredResult(found.id, found.guid) if found is not None else None


def upload_offline_result(
    session: Session,
    agent: Agent,
    key: str,
    collection_guid: str,
    document: ResultDocument,
    input_state_hash: str | None,
) -> tuple[StoredResult, bool]:
    """Store the result once; a repeat with the same key returns the first. (result, created)."""
    existing = _existing(session, agent, key)
    if existing is not None:
        return existing, False
    collection = team_collection(session, agent.team_id, collection_guid)
    facts = document.facts()
    stored = {
        "guid": new_guid("res"),
        "team_id": agent.team_id,
        "collection_id": collection.id,
        "agent_id": agent.id,
        "tool": facts.tool,
        "status": "COMPLETED",
        "results_json": facts.stored,
        "input_state_hash": input_state_hash,
        "files_scanned": facts.files_scanned,
        "issues_found": facts.issues_found,
        "trend_counts": facts.trend_counts,
        "idempotency_key": key,
    }
    try:
        stored_id = session.connection().execute(_INSERT_RESULT, stored).scalar_one()
        record_stats(session, collection.id, facts.stats)
        session.commit()
    except IntegrityError:  # the same upload raced us: the first one wins
        session.rollback()
        raced = _existing(session, agent, key)
        if raced is None:
            raise
        return raced, False
    return StoredResult(stored_id, stored["guid"]), True
