"""What an analysis is asked to do (D1): the tools, and what follows from the request before
any file is read: which tools run, the settings they share, and each tool's input-state hash."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import TeamConfig
from .conventions import Convention, config_convention, pipeline_convention
from .errors import ToolError
from .grammar import FilenameGrammar
from .listing import Listing
from .pipeline import Pipeline, derive_tool_config
from .results import ToolName
from .state_hash import combined_hash, config_hash

__all__ = [
    "ALL_TOOLS",
    "AnalysisRequest",
    "ToolSettings",
    "input_state_hashes",
    "parse_tools",
    "resolve_tools",
    "tool_hashes",
    "tool_settings",
]

ALL_TOOLS: tuple[ToolName, ...] = tuple(ToolName)


def parse_tools(text: str) -> tuple[ToolName, ...]:
    """`photostats,photo_pairing` → tools in canonical order. ToolError, naming the tools that
    exist, for an unknown tool, an empty list or an empty item (`photostats,`)."""
    choices = f"choose from {', '.join(tool.value for tool in ALL_TOOLS)}"
    parts = [part.strip() for part in text.split(",")]
    if not any(parts):
        raise ToolError(f"no tool given in {text!r}; {choices}")
    if "" in parts:
        raise ToolError(f"empty tool name in {text!r}; {choices}")
    known = {tool.value for tool in ALL_TOOLS}
    unknown = [part for part in parts if part not in known]
    if unknown:
        raise ToolError(f"unknown tool {unknown[0]!r}; {choices}")
    return tuple(tool for tool in ALL_TOOLS if tool.value in parts)


@dataclass(frozen=True)
class AnalysisRequest:
    """What to analyse and how. `tools` None means every tool that applies."""

    root: Path
    config: TeamConfig = field(default_factory=TeamConfig)
    pipeline: Pipeline | None = None
    tools: tuple[ToolName, ...] | None = None
    check_sidecars: bool = False
    collection_name: str = ""  # what the report calls it; the folder's name when empty
    # How the caller gets a pipeline, told when Pipeline Validation has none.
    pipeline_hint: str = "pass --pipeline FILE"
    # Walk half of the folders, then run PhotoStats, the input-state hash and the search for name
    # collisions, in forked children beside the rest: only for a single-threaded caller (the
    # command line), see common/beside.py.
    fork_helpers: bool = False


@dataclass(frozen=True)
class ToolSettings:
    """What the tools read files by: the team's configuration, or the pipeline's when there
    is one, and what of it the input-state hash covers."""

    photo_extensions: tuple[str, ...]
    metadata_extensions: tuple[str, ...]
    require_sidecar: tuple[str, ...]
    convention: Convention
    method_labels: dict[str, str]
    hash_config: dict[str, Any]

    @property
    def grammar(self) -> FilenameGrammar:
        return self.convention.grammar


def tool_settings(request: AnalysisRequest) -> ToolSettings:
    """The settings the request's tools share."""
    config = request.config
    hash_config: dict[str, Any] = config.hash_fields()
    if request.pipeline is None:
        return ToolSettings(
            config.photo_extensions,
            config.metadata_extensions,
            config.require_sidecar,
            config_convention(config.filename_convention),
            dict(config.processing_methods),
            hash_config,
        )
    tool_config = derive_tool_config(request.pipeline)
    hash_config["pipeline"] = request.pipeline.to_data()
    hash_config["pipeline_tool_config"] = tool_config.hash_fields()
    return ToolSettings(
        tuple(tool_config.photo_extensions),
        tuple(tool_config.metadata_extensions),
        tuple(tool_config.require_sidecar),
        pipeline_convention(
            tool_config.filename_regex, tool_config.camera_id_group, request.pipeline.name
        ),
        dict(tool_config.processing_suffixes) or dict(config.processing_methods),
        hash_config,
    )


def resolve_tools(request: AnalysisRequest) -> tuple[tuple[ToolName, ...], dict[str, str]]:
    """The tools to run, and those left out with why; ToolError when the tools asked for
    cannot run (Pipeline Validation without a pipeline)."""
    skipped: dict[str, str] = {}
    if request.tools is None:
        tools = ALL_TOOLS
        if request.pipeline is None:
            tools = tuple(t for t in tools if t is not ToolName.PIPELINE_VALIDATION)
            skipped[ToolName.PIPELINE_VALIDATION] = f"needs a pipeline: {request.pipeline_hint}"
        return tools, skipped
    if ToolName.PIPELINE_VALIDATION in request.tools and request.pipeline is None:
        raise ToolError(f"pipeline_validation needs a pipeline: {request.pipeline_hint}")
    return request.tools, skipped


def input_state_hashes(request: AnalysisRequest, listing: Listing) -> dict[str, str]:
    """Each tool's input-state hash (7.1) for this listing, before any analysis runs."""
    tools, _ = resolve_tools(request)
    return tool_hashes(request, tool_settings(request), listing.files_hash, tools)


def tool_hashes(
    request: AnalysisRequest, settings: ToolSettings, files_hash: str, tools: Sequence[ToolName]
) -> dict[str, str]:
    """The input-state hash of each tool. Reading the sidecars changes what PhotoStats finds, so
    a PhotoStats run that reads them hashes differently from one that does not (and only then:
    the other tools, and runs that do not read them, keep the hash they had)."""
    settings_hash = config_hash(settings.hash_config)
    hashes = {tool.value: combined_hash(tool.value, files_hash, settings_hash) for tool in tools}
    if request.check_sidecars and ToolName.PHOTOSTATS in tools:
        checked = config_hash({**settings.hash_config, "check_sidecars": True})
        hashes[ToolName.PHOTOSTATS.value] = combined_hash(
            ToolName.PHOTOSTATS.value, files_hash, checked
        )
    return hashes
