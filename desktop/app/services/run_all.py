""" "Run all collections now": every tool on each collection of this computer's agent."""

from __future__ import annotations

import logging

from shuttersense.common.results import ToolName

from ..api import Invalid, UserApiClient

__all__ = ["run_all_collections"]

log = logging.getLogger(__name__)


def run_all_collections(client: UserApiClient, agent_guid: str) -> int:
    """Queue every tool that applies on the agent's collections; returns how many jobs are
    queued or running for them now. Pipeline Validation without a pipeline does not apply."""
    queued = 0
    for collection in client.collections():
        if collection.agent != agent_guid:
            continue
        for tool in ToolName:
            try:
                client.run_tool(collection.guid, tool.value)
            except Invalid as exc:  # 422: e.g. no pipeline for Pipeline Validation
                log.info("%s not run on %s: %s", tool.value, collection.name, exc)
                continue
            queued += 1
    log.info("run all collections: %d job(s) queued or running", queued)
    return queued
