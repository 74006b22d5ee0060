"""One analysis run: scan a collection once and run every requested tool on that listing (D1).

This is the sans-UI entry point used by `shuttersense analyze`, the demo and the agent: it takes
a request, reports progress to a sink and returns the AnalysisDocument.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path

from . import __version__
from .analysis_request import (
    AnalysisRequest,
    ToolSettings,
    resolve_tools,
    tool_hashes,
    tool_settings,
)
from .analyzers.grouping import Collisions, Grouping, group_photos, name_collisions
from .analyzers.pairing import photo_pairing
from .analyzers.photostats import photostats
from .analyzers.pipeline_validation import validate_collection
from .beside import Beside
from .catalog import Catalog
from .collector import collector_paused
from .errors import ToolError
from .files import FileEntry
from .listing import Listing, scan_collection
from .pipeline import enumerate_paths
from .progress import NullProgress, ProgressSink
from .results import AnalysisDocument, CollectionSummary, PhotoStatsResult, ToolName, ToolResult
from .state_hash import combined_hash, config_hash, file_list_hash
from .xmp import check_sidecars

__all__ = ["analyse_listing", "run_analysis", "scan_for"]


def scan_for(request: AnalysisRequest, progress: ProgressSink | None = None) -> Listing:
    """The listing `request` needs; a tool choice that cannot run is refused before scanning."""
    resolve_tools(request)
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
    tools, skipped = resolve_tools(request)
    settings = tool_settings(request)
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
    hashes = tool_hashes(request, settings, files_hash, [ToolName(t) for t in results])
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
        tool_hashes=hashes,
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
    settings: ToolSettings,
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
    settings: ToolSettings,
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
    settings: ToolSettings,
    request: AnalysisRequest,
    sink: ProgressSink,
) -> ToolResult:
    if tool is ToolName.PHOTO_PAIRING:
        return photo_pairing(
            grouping, request.config, settings.method_labels, settings.convention.description
        )
    if request.pipeline is None:  # resolve_tools already refused this; here for the type checker
        raise ToolError(f"pipeline_validation needs a pipeline: {request.pipeline_hint}")
    return validate_collection(
        entries,
        grouping,
        request.pipeline,
        settings.grammar,
        paths=enumerate_paths(request.pipeline),
        on_progress=lambda done, total: sink.update(tool.value, done, total),
    )
