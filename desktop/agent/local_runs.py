"""`run`: analyse a collection or an authorized folder now, on this machine, and upload.

The team config and pipelines come from the coordinator, or from the last copy kept when it
is out of reach (defaults when there never was one). Each tool's result is kept in the offline
store first and uploaded with its idempotency key; offline, it waits for `sync`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shuttersense.common.analysis import analyse_listing, scan_for
from shuttersense.common.analysis_request import AnalysisRequest
from shuttersense.common.config import TeamConfig
from shuttersense.common.pipeline import Pipeline, checked_pipeline
from shuttersense.common.progress import ProgressSink
from shuttersense.common.results import AnalysisDocument, ToolName

from .client import CoordinatorClient
from .context import AgentContext
from .errors import CoordinatorUnreachable
from .executor import PIPELINE_HINT
from .local_collections import find_collection
from .offline_store import OfflineStore
from .sync import SyncReport, sync_pending

__all__ = ["LocalRun", "run_locally", "team_settings"]


@dataclass(frozen=True)
class LocalRun:
    document: AnalysisDocument
    collection: dict[str, Any] | None
    sync: SyncReport | None  # None when run offline


def _fresh(client: CoordinatorClient | None, store: OfflineStore, name: str, fetch: Any) -> Any:
    """The coordinator's answer (kept for later), or the kept copy when it is unreachable."""
    if client is not None:
        try:
            value = fetch()
        except CoordinatorUnreachable:
            pass
        else:
            store.cache_put(name, value)
            return value
    return store.cache_get(name)


def team_settings(
    agent_config: dict[str, Any] | None, collection: dict[str, Any] | None
) -> tuple[TeamConfig, Pipeline | None]:
    """The team config and the pipeline in force for `collection` (its own, else the default)."""
    if not agent_config:
        return TeamConfig(), None
    chosen = agent_config.get("default_pipeline")
    wanted = (collection or {}).get("pipeline_guid")
    for candidate in agent_config.get("pipelines", []):
        if candidate["guid"] == wanted:
            chosen = candidate
    config = TeamConfig.model_validate(agent_config.get("config") or {})
    if not chosen:
        return config, None
    # The stored definition may carry no name: the pipeline is named as the team knows it.
    return config, checked_pipeline({"name": chosen.get("name"), **chosen["definition"]})


def run_locally(
    context: AgentContext,
    target: str,
    tools: tuple[ToolName, ...] | None,
    *,
    offline: bool,
    progress: ProgressSink | None = None,
) -> LocalRun:
    """Analyse `target` (a collection GUID or name, or a folder) and upload or keep results."""
    store = context.store
    client = None if offline else context.client()
    try:
        collections = _fresh(client, store, "collections", lambda: client.collections()) or []
        collection = find_collection(collections, target)
        folder = collection["root_path"] if collection else target
        root = context.roots().authorize(folder)
        if collection is None:  # the folder itself may be known under its real path
            collection = find_collection(collections, str(root))
        agent_config = _fresh(client, store, "config", lambda: client.config())
        config, pipeline = team_settings(agent_config, collection)
        request = AnalysisRequest(
            root=root, config=config, pipeline=pipeline, tools=tools, pipeline_hint=PIPELINE_HINT
        )
        document = analyse_listing(request, scan_for(request, progress), progress)
        for tool, result in document.results.items():
            body = {
                "result": result.model_dump(mode="json"),
                "input_state_hash": document.tool_hashes[tool],
            }
            store.add_local_result(
                tool,
                body,
                collection_guid=collection["guid"] if collection else None,
                root_path=collection["root_path"] if collection else str(root),
                collection_name=collection["name"] if collection else Path(root).name or str(root),
            )
        report = None if client is None else sync_pending(client, store)
        return LocalRun(document, collection, report)
    finally:
        if client is not None:
            client.close()
