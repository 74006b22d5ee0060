"""Results that agents made offline and upload later, keyed by the agent's idempotency key."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shuttersense.common.result_reading import read_tool_result
from shuttersense.common.results import ToolResult, result_counts

from ..errors import InvalidInput
from ..ids import new_guid
from ..models import Agent, Result
from .collection_stats import record_stats
from .collections import team_collection

__all__ = ["parse_tool_result", "upload_offline_result"]


def parse_tool_result(payload: dict[str, Any]) -> ToolResult:
    """The payload as one of the `common` result schemas, an older schema version read as
    today's; InvalidInput says what is wrong."""
    try:
        return read_tool_result(payload)
    except ValidationError as exc:
        raise InvalidInput(f"the result does not follow its schema: {exc}") from None


def _existing(session: Session, agent: Agent, key: str) -> Result | None:
    return session.scalar(
        select(Result).where(Result.agent_id == agent.id, Result.idempotency_key == key)
    )


def upload_offline_result(
    session: Session,
    agent: Agent,
    key: str,
    collection_guid: str,
    payload: dict[str, Any],
    input_state_hash: str | None,
) -> tuple[Result, bool]:
    """Store the result once; a repeat with the same key returns the first. (result, created)."""
    existing = _existing(session, agent, key)
    if existing is not None:
        return existing, False
    collection = team_collection(session, agent.team_id, collection_guid)
    result = parse_tool_result(payload)
    files, issues = result_counts(result)
    stored = Result(
        guid=new_guid("res"),
        team_id=agent.team_id,
        collection_id=collection.id,
        agent_id=agent.id,
        tool=result.tool.value,
        status="COMPLETED",
        results_json=result.model_dump(mode="json"),
        input_state_hash=input_state_hash,
        files_scanned=files,
        issues_found=issues,
        idempotency_key=key,
    )
    session.add(stored)
    record_stats(session, collection.id, result)
    try:
        session.commit()
    except IntegrityError:  # the same upload raced us: the first one wins
        session.rollback()
        raced = _existing(session, agent, key)
        if raced is None:
            raise
        return raced, False
    return stored, True
