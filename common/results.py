"""Versioned result schemas, one per tool (analysis spec D6), and the analysis document.

These are what `shuttersense analyze --json` prints, what reports render and what agents upload.
Every result carries `schema_version`; CONSISTENT_WITH_WARNING is folded into CONSISTENT in
`overall_status` and `by_termination`, and trends read those same keys.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "RESULT_SCHEMA_VERSION",
    "AnalysisDocument",
    "CollectionSummary",
    "FilesByFolder",
    "FolderNames",
    "InvalidFile",
    "InvalidNames",
    "NameCollisions",
    "NotAnalysed",
    "PathStat",
    "PhotoPairingResult",
    "PhotoStatsResult",
    "PipelineValidationResult",
    "ScanIssue",
    "Status",
    "TerminationPattern",
    "ToolName",
    "ToolResult",
    "ValidationIssue",
    "result_counts",
]

# 2: findings grouped (orphans by folder, invalid names by reason, validation by pattern) instead
# of one entry per file or image. 3: each image in one validation issue, the combination of what
# is wrong with it for every termination. Older results are read through `result_reading`.
RESULT_SCHEMA_VERSION = 3


class ToolName(StrEnum):
    PHOTOSTATS = "photostats"
    PHOTO_PAIRING = "photo_pairing"
    PIPELINE_VALIDATION = "pipeline_validation"


class Status(StrEnum):
    """Validation status of an image, least to most severe."""

    CONSISTENT = "CONSISTENT"
    CONSISTENT_WITH_WARNING = "CONSISTENT_WITH_WARNING"
    PARTIAL = "PARTIAL"
    INCONSISTENT = "INCONSISTENT"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]

    @property
    def folded(self) -> Status:
        """The status as results store it: warnings count as CONSISTENT (D6)."""
        return Status.CONSISTENT if self is Status.CONSISTENT_WITH_WARNING else self


_SEVERITY = {status: rank for rank, status in enumerate(Status)}


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InvalidFile(_Schema):
    path: str
    reason: str


class ScanIssue(_Schema):
    """Something the scanner could not read or would not follow; the scan went on."""

    path: str
    reason: str


FolderNames = dict[str, list[str | tuple[str, str]]]
"""Folder (relative to the collection, `""` for its top) -> the names in it, in order, a
`[first, last]` pair standing for a run of consecutively numbered names (see `name_runs`)."""


class FilesByFolder(_Schema):
    """Files that share one finding: how many, and their names folder by folder."""

    count: int = 0
    by_folder: FolderNames = Field(default_factory=dict)


class InvalidNames(FilesByFolder):
    """Photo files the filename convention rejects for one reason."""

    reason: str


class NameCollisions(_Schema):
    """File names found in each of the same folders: a counter that wrapped, or two bodies
    sharing a camera ID. Grouping still treats such files as one image (names decide)."""

    folders: list[str]
    count: int
    names: list[str | tuple[str, str]] = Field(description="in order, with runs as pairs")


class NotAnalysed(_Schema):
    """Files with an extension that is neither a photo nor a sidecar type of this run."""

    count: int
    size: int
    examples: list[str] = Field(description="a few of their paths")


class PhotoStatsResult(_Schema):
    tool: Literal[ToolName.PHOTOSTATS] = ToolName.PHOTOSTATS
    schema_version: int = RESULT_SCHEMA_VERSION
    total_files: int
    total_size: int
    file_counts: dict[str, int]
    storage_by_type: dict[str, int]
    metadata_extensions: list[str] = Field(description="which counted extensions are sidecars")
    paired_count: int = Field(description="stems that have both an image and a sidecar")
    orphaned_images: FilesByFolder = Field(description="images that need a sidecar and have none")
    orphaned_sidecars: FilesByFolder = Field(description="sidecars whose image is not there")
    not_analysed: dict[str, NotAnalysed] = Field(
        default_factory=dict,
        description='extension ("" for none) -> files no tool counts, so nothing is left out',
    )
    invalid_xmp: list[InvalidFile] | None = Field(
        default=None, description="sidecars that failed to parse; null when sidecars were not read"
    )
    scan_time: float = 0.0


class PhotoPairingResult(_Schema):
    tool: Literal[ToolName.PHOTO_PAIRING] = ToolName.PHOTO_PAIRING
    schema_version: int = RESULT_SCHEMA_VERSION
    filename_convention: str = Field(
        default="", description="the naming convention the files were read with"
    )
    group_count: int
    image_count: int
    file_count: int
    camera_usage: dict[str, int]
    method_usage: dict[str, int]
    cameras: dict[str, dict[str, object]] = Field(
        description="raw camera ID -> its mapping entry without empty values ({} if unmapped)"
    )
    invalid_file_count: int
    invalid_names: list[InvalidNames] = Field(description="by reason, most files first")
    name_collision_count: int = Field(default=0, description="names found in several folders")
    name_collision_sets: int = Field(default=0, description="distinct sets of folders they are in")
    name_collisions: list[NameCollisions] = Field(
        default_factory=list,
        description="file names found in more than one folder, by folders, most names first; "
        "the largest sets only (see name_collision_sets)",
    )
    scan_time: float = 0.0


class TerminationPattern(_Schema):
    """How images fare against one termination type: the same files expected, missing and extra.
    Names are relative to each image's own name (`AB3D0001-2` expects `AB3D0001-DxO-2.DNG` for
    `-DxO.DNG`: the separate-image marker goes before the extension); a name without the
    image's name in front is shown whole."""

    termination: str | None = Field(description="null: no path of the pipeline applies at all")
    status: Status
    expected: list[str]
    missing: list[str]
    extra: list[str]
    completion: float = Field(description="matched expected files, percent of expected")


class ValidationIssue(_Schema):
    """Images that fare the same against every termination type: one pattern per termination
    where they are not plainly CONSISTENT. Each image is named in one issue only."""

    status: Status = Field(description="the most severe status of its patterns")
    patterns: list[TerminationPattern] = Field(description="by termination type")
    image_count: int
    images: FolderNames = Field(description="image names by the folder of their first file")


class PathStat(_Schema):
    path: list[str] = Field(description="node ids")
    names: list[str] = Field(default_factory=list, description="node names, same order")
    image_count: int


class PipelineValidationResult(_Schema):
    tool: Literal[ToolName.PIPELINE_VALIDATION] = ToolName.PIPELINE_VALIDATION
    schema_version: int = RESULT_SCHEMA_VERSION
    pipeline_name: str
    pipeline_guid: str | None = None
    pipeline_version: int | None = None
    total_files: int
    total_images: int
    total_groups: int
    invalid_files_count: int
    status_counts: dict[str, int] = Field(
        description="lowercase keys: consistent, consistent_with_warning, partial, inconsistent"
    )
    overall_status: dict[str, int] = Field(
        description="CONSISTENT (incl. warnings), PARTIAL, INCONSISTENT"
    )
    by_termination: dict[str, dict[str, int]]
    archival_ready_count: int
    path_stats: list[PathStat]
    issues: list[ValidationIssue] = Field(
        description="what is wrong, one combination of termination patterns each, most images "
        "first; an image is named in one issue at most, and one not named here is CONSISTENT "
        "for every termination"
    )
    scan_time: float = 0.0


ToolResult = Annotated[
    PhotoStatsResult | PhotoPairingResult | PipelineValidationResult, Field(discriminator="tool")
]


class CollectionSummary(_Schema):
    path: str
    name: str = Field(default="", description="what the collection is called, when it has a name")
    total_files: int
    total_size: int


class AnalysisDocument(_Schema):
    """One run of one or more tools over one scan of a collection."""

    schema_version: int = RESULT_SCHEMA_VERSION
    generator: str
    generated_at: str
    collection: CollectionSummary
    input_state_hash: str
    tool_hashes: dict[str, str] = Field(description="input-state hash per tool (analysis spec 7.1)")
    results: dict[str, ToolResult]
    skipped: dict[str, str] = Field(default_factory=dict, description="tool -> why it did not run")
    scan_issues: list[ScanIssue] = Field(default_factory=list)
    scan_time: float = 0.0


def result_counts(result: ToolResult) -> tuple[int, int]:
    """(files scanned, issues found) of a tool result, as job records and trends show them."""
    if isinstance(result, PhotoStatsResult):
        return result.total_files, result.orphaned_images.count + result.orphaned_sidecars.count
    if isinstance(result, PhotoPairingResult):
        return result.file_count, result.invalid_file_count
    status = result.overall_status
    return result.total_files, status.get("PARTIAL", 0) + status.get("INCONSISTENT", 0)
