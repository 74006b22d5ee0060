"""The parts of a claim's answer that a job claimed alone (`/jobs/claim`) and the jobs of a
claimed audit (`/audits/claim`) share: the collection and the previous result, as the protocol
sends them."""

from __future__ import annotations

from ..schemas.agent_protocol import CollectionOut, PreviousResult
from ..services.claims import ClaimedCollection
from ..services.claims import PreviousResult as StoredPrevious

__all__ = ["collection_out", "previous_result_out"]


def collection_out(collection: ClaimedCollection | None) -> CollectionOut | None:
    """The claimed collection as the agent is told of it (none for a job on no collection)."""
    if collection is None:
        return None
    return CollectionOut(guid=collection.guid, name=collection.name, root_path=collection.root_path)


def previous_result_out(previous: StoredPrevious | None) -> PreviousResult | None:
    """The newest result of the job's tool on its collection, if there is one."""
    if previous is None:
        return None
    return PreviousResult(guid=previous.guid, input_state_hash=previous.input_state_hash)
