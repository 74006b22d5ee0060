"""One analysis run: scan a collection once and run every requested tool on that listing (D1).

This is the sans-UI entry point used by `shuttersense analyze`, the demo and the agent: it takes
a request, reports progress to a sink and returns the AnalysisDocument.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from operator import itemgetter
from pathlib import Path
from typing import Any

from . import __version__
from .analyzers.grouping import Collisions, Grouping, group_photos, name_collisions
from .analyzers.pairing import photo_pairing
from .analyzers.photostats import photostats
from .analyzers.pipeline_validation import validate_collection
from .beside import Beside
from .catalog import Catalog
from .collector import collector_paused
from .config import TeamConfig
from .conventions import Convention, config_convention, pipeline_convention
from .errors import ToolError
from .files import FileEntry
from .grammar import FilenameGrammar
from .pipeline import Pipeline, derive_tool_config, enumerate_paths
from .progress import NullProgress, ProgressSink
from .results import (
    AnalysisDocument,
    CollectionSummary,
    PhotoStatsResult,
    ScanIssue,
    ToolName,
    ToolResult,
)
from .scanner import check_collection_root, scan_batches
from .split_walk import scan_batches_in_two
from .state_hash import combined_hash, config_hash, file_list_hash
from .xmp import check_sidecars

__all__ = [
    "ALL_TOOLS",
    "AnalysisRequest",
    "Listing",
    "analyse_listing",
    "input_state_hashes",
    "parse_tools",
    "run_analysis",
    "scan_collection",
    "scan_for",
]

ALL_TOOLS: tuple[ToolName, ...] = tuple(ToolName)
_SCAN_TICK = 2048


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
class _ToolSettings:
    photo_extensions: tuple[str, ...]
    metadata_extensions: tuple[str, ...]
    require_sidecar: tuple[str, ...]
    convention: Convention
    method_labels: dict[str, str]
    hash_config: dict[str, Any]

    @property
    def grammar(self) -> FilenameGrammar:
        return self.convention.grammar


def _settings(request: AnalysisRequest) -> _ToolSettings:
    config = request.config
    hash_config: dict[str, Any] = config.hash_fields()
    if request.pipeline is None:
        return _ToolSettings(
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
    return _ToolSettings(
        tuple(tool_config.photo_extensions),
        tuple(tool_config.metadata_extensions),
        tuple(tool_config.require_sidecar),
        pipeline_convention(
            tool_config.filename_regex, tool_config.camera_id_group, request.pipeline.name
        ),
        dict(tool_config.processing_suffixes) or dict(config.processing_methods),
        hash_config,
    )


def _resolve_tools(request: AnalysisRequest) -> tuple[tuple[ToolName, ...], dict[str, str]]:
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


@dataclass(frozen=True)
class Listing:
    """One scan of a collection: the files, what could not be read, and how long it took."""

    root: Path
    entries: list[FileEntry]
    issues: list[ScanIssue]
    scan_time: float

    @cached_property
    def files_hash(self) -> str:
        """The file part of the input-state hash (7.1), computed once per listing: an agent
        compares hashes before it analyses, and the analysis reports them again."""
        return file_list_hash(self.entries)


def scan_collection(
    root: Path, progress: ProgressSink | None = None, *, in_two: bool = False
) -> Listing:
    """The one streaming pass over `root` every tool of a run shares (D1). `in_two` walks half
    of the folders in a forked child: only for a single-threaded caller (common/beside.py)."""
    sink = progress or NullProgress()
    root = check_collection_root(root)
    started = time.perf_counter()
    issues: list[ScanIssue] = []
    entries: list[FileEntry] = []
    reported = 0
    with collector_paused():
        walk = scan_batches_in_two if in_two else scan_batches
        for batch in walk(root, issues.append):
            entries.extend(batch)
            if len(entries) - reported >= _SCAN_TICK:
                reported = len(entries)
                sink.update("scanning", reported, None)
    sink.update("scanning", len(entries), len(entries))
    return Listing(root, entries, issues, round(time.perf_counter() - started, 3))


def input_state_hashes(request: AnalysisRequest, listing: Listing) -> dict[str, str]:
    """Each tool's input-state hash (7.1) for this listing, before any analysis runs."""
    tools, _ = _resolve_tools(request)
    return _tool_hashes(request, _settings(request), listing.files_hash, tools)


def _tool_hashes(
    request: AnalysisRequest, settings: _ToolSettings, files_hash: str, tools: Sequence[ToolName]
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


def scan_for(request: AnalysisRequest, progress: ProgressSink | None = None) -> Listing:
    """The listing `request` needs; a tool choice that cannot run is refused before scanning."""
    _resolve_tools(request)
    return scan_collection(request.root, progress, in_two=request.fork_helpers)


def run_analysis(
    request: AnalysisRequest, progress: ProgressSink | None = None
) -> AnalysisDocument:
    """Scan `request.root` once and run the tools; raise CollectionError/ToolError/PipelineError."""
    return analyse_listing(request, scan_for(request, progress), progress)


def analyse_listing(
    request: AnalysisRequest, listing: Listing, progress: ProgressSink | None = None
) -> AnalysisDocument:
    """Run the requested tools on one listing."""
    with collector_paused():
        return _run(request, listing, progress or NullProgress())


def _run(request: AnalysisRequest, listing: Listing, sink: ProgressSink) -> AnalysisDocument:
    tools, skipped = _resolve_tools(request)
    settings = _settings(request)
    entries, root = listing.entries, listing.root

    results: dict[str, ToolResult] = {}
    # One classification pass, shared by PhotoStats and grouping and dropped once both are done.
    catalog: Catalog | None = None
    grouping: Grouping | None = None
    helper: Beside[_Beside] | None = None
    ordered = list(tools)
    if request.fork_helpers and ToolName.PHOTOSTATS in tools and len(tools) > 1:
        catalog = Catalog(entries)
        pairing = ToolName.PHOTO_PAIRING in tools
        helper = _photostats_beside(catalog, settings, request, listing, collisions=pairing)
        # Photo Pairing needs the name collisions the helper finds: it goes last.
        ordered = [t for t in tools if t not in (ToolName.PHOTOSTATS, ToolName.PHOTO_PAIRING)]
        ordered += [ToolName.PHOTO_PAIRING] if pairing else []
    answer: _Beside | None = None
    for index, tool in enumerate(ordered):
        tool_started = time.perf_counter()
        sink.update(tool.value, 0, 1)
        if tool is ToolName.PHOTOSTATS:
            catalog = catalog or Catalog(entries)
            result: ToolResult = _run_photostats(catalog, settings, request, root, sink)
        else:
            if grouping is None:
                catalog = catalog or Catalog(entries)
                grouping = group_photos(
                    catalog,
                    settings.photo_extensions,
                    settings.grammar,
                    settings.metadata_extensions,
                    with_collisions=helper is None,
                )
                # Dropped as soon as no tool needs it, since Pipeline Validation needs the memory.
                if helper is not None or ToolName.PHOTOSTATS not in ordered[index + 1 :]:
                    catalog = None
            if helper is not None and tool is ToolName.PHOTO_PAIRING:
                answer = helper.result()
                grouping.collisions = answer[2] or Collisions()
            result = _run_grouped_tool(tool, entries, grouping, settings, request, sink)
        result.scan_time = round(time.perf_counter() - tool_started, 3)
        results[tool.value] = result
        sink.update(tool.value, 1, 1)

    sink.update("hashing", 0, 1)
    if helper is not None:
        answer = answer or helper.result()
        results[ToolName.PHOTOSTATS.value], files_hash = answer[0], answer[1]
        results = {tool.value: results[tool.value] for tool in tools}
        sink.update(ToolName.PHOTOSTATS.value, 1, 1)
    else:
        files_hash = listing.files_hash
    settings_hash = config_hash(settings.hash_config)
    tool_hashes = _tool_hashes(request, settings, files_hash, [ToolName(t) for t in results])
    run_key = ",".join(results) or "none"
    sink.update("hashing", 1, 1)
    return AnalysisDocument(
        generator=f"shuttersense {__version__}",
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        collection=CollectionSummary(
            path=str(root),
            name=request.collection_name or root.name,
            total_files=len(entries),
            total_size=sum(map(itemgetter(1), entries)),
        ),
        input_state_hash=combined_hash(run_key, files_hash, settings_hash),
        tool_hashes=tool_hashes,
        results=results,
        skipped=skipped,
        scan_issues=listing.issues,
        scan_time=listing.scan_time,
    )


# What the helper answers: PhotoStats, the file-list hash and, for Photo Pairing, the name
# collisions (grouping's one step that needs only the catalog).
_Beside = tuple[ToolResult, str, Collisions | None]


def _photostats_beside(
    catalog: Catalog,
    settings: _ToolSettings,
    request: AnalysisRequest,
    listing: Listing,
    *,
    collisions: bool,
) -> Beside[_Beside]:
    """PhotoStats, the file-list hash and, if asked, the name collisions in a child process.
    The parent keeps no reference to `catalog` through this, so it can drop it once grouping
    is done."""

    def work() -> _Beside:
        started = time.perf_counter()
        result = _run_photostats(catalog, settings, request, listing.root, NullProgress())
        result.scan_time = round(time.perf_counter() - started, 3)
        found = (
            name_collisions(catalog, settings.photo_extensions, settings.grammar)
            if collisions
            else None
        )
        return result, file_list_hash(listing.entries), found

    return Beside(work)


def _run_photostats(
    catalog: Catalog,
    settings: _ToolSettings,
    request: AnalysisRequest,
    root: Path,
    sink: ProgressSink,
) -> PhotoStatsResult:
    result = photostats(
        catalog,
        photo_extensions=settings.photo_extensions,
        metadata_extensions=settings.metadata_extensions,
        require_sidecar=settings.require_sidecar,
    )
    if request.check_sidecars:
        sidecar_exts = {ext for ext in settings.metadata_extensions if ext == ".xmp"}
        paths = [e.path for e in catalog.select(catalog.suffixes(sidecar_exts))]
        total = len(paths)
        result.invalid_xmp = check_sidecars(
            root, paths, on_progress=lambda done: sink.update("sidecars", done, total)
        )
    return result


def _run_grouped_tool(
    tool: ToolName,
    entries: Sequence[FileEntry],
    grouping: Grouping,
    settings: _ToolSettings,
    request: AnalysisRequest,
    sink: ProgressSink,
) -> ToolResult:
    if tool is ToolName.PHOTO_PAIRING:
        return photo_pairing(
            grouping, request.config, settings.method_labels, settings.convention.description
        )
    if request.pipeline is None:  # _resolve_tools already refused this; here for the type checker
        raise ToolError(f"pipeline_validation needs a pipeline: {request.pipeline_hint}")
    return validate_collection(
        entries,
        grouping,
        request.pipeline,
        settings.grammar,
        paths=enumerate_paths(request.pipeline),
        on_progress=lambda done, total: sink.update(tool.value, done, total),
    )
