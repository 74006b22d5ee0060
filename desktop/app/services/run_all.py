""" "Run all collections now": one audit of every tool that applies on each collection of this
computer's agent."""

from __future__ import annotations

import logging

from ..api import Invalid, UserApiClient

__all__ = ["run_all_collections"]

log = logging.getLogger(__name__)


def run_all_collections(client: UserApiClient, agent_guid: str) -> int:
    """Queue an audit of every tool that applies (the coordinator decides: Pipeline Validation
    needs a pipeline) on each of the agent's collections; returns how many jobs are queued or
    running for them now."""
    jobs = 0
    for collection in client.collections():
        if collection.agent != agent_guid:
            continue
        try:
            jobs += len(client.run_audit(collection.guid).jobs())
        except Invalid as exc:  # the coordinator refused this one: the others still run
            log.warning("%s not audited: %s", collection.name, exc)
    log.info("run all collections: %d job(s) queued or running", jobs)
    return jobs
