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
    "ImageValidation",
    "InvalidFile",
    "PathStat",
    "PhotoPairingResult",
    "PhotoStatsResult",
    "PipelineValidationResult",
    "ScanIssue",
    "Status",
    "TerminationMatch",
    "ToolName",
    "ToolResult",
    "result_counts",
]

RESULT_SCHEMA_VERSION = 1


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


class PhotoStatsResult(_Schema):
    tool: Literal[ToolName.PHOTOSTATS] = ToolName.PHOTOSTATS
    schema_version: int = RESULT_SCHEMA_VERSION
    total_files: int
    total_size: int
    file_counts: dict[str, int]
    storage_by_type: dict[str, int]
    metadata_extensions: list[str] = Field(description="which counted extensions are sidecars")
    paired_count: int = Field(description="stems that have both an image and a sidecar")
    orphaned_images: list[str]
    orphaned_xmp: list[str]
    invalid_xmp: list[InvalidFile] | None = Field(
        default=None, description="sidecars that failed to parse; null when sidecars were not read"
    )
    scan_time: float = 0.0


class PhotoPairingResult(_Schema):
    tool: Literal[ToolName.PHOTO_PAIRING] = ToolName.PHOTO_PAIRING
    schema_version: int = RESULT_SCHEMA_VERSION
    group_count: int
    image_count: int
    file_count: int
    camera_usage: dict[str, int]
    method_usage: dict[str, int]
    cameras: dict[str, dict[str, object]] = Field(
        description="raw camera ID -> its mapping entry without empty values ({} if unmapped)"
    )
    invalid_files: list[InvalidFile]
    scan_time: float = 0.0


class TerminationMatch(_Schema):
    """How one image fares against the best path of one termination type."""

    status: Status
    expected: list[str]
    missing: list[str]
    extra: list[str]
    completion: float = Field(description="matched expected files, percent of expected")
    archival_ready: bool


class ImageValidation(_Schema):
    base_filename: str
    group_id: str
    status: Status
    archival_ready: bool
    files: list[str]
    terminations: dict[str, TerminationMatch]


class PathStat(_Schema):
    path: list[str]
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
    images: list[ImageValidation] = Field(description="every image that is not fully CONSISTENT")
    scan_time: float = 0.0


ToolResult = Annotated[
    PhotoStatsResult | PhotoPairingResult | PipelineValidationResult, Field(discriminator="tool")
]


class CollectionSummary(_Schema):
    path: str
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
        return result.total_files, len(result.orphaned_images) + len(result.orphaned_xmp)
    if isinstance(result, PhotoPairingResult):
        return result.file_count, len(result.invalid_files)
    status = result.overall_status
    return result.total_files, status.get("PARTIAL", 0) + status.get("INCONSISTENT", 0)
