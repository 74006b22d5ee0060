"""Pipelines: the model, structural checks, path enumeration, expected names, derived config."""

from .expected import (
    FileTemplate,
    ImageOutcome,
    PathMatcher,
    TerminationOutcome,
    expected_filenames,
    expected_tails,
    match_status,
    path_templates,
)
from .model import (
    NODE_TYPES,
    PATH_CAP,
    Node,
    Pipeline,
    checked_pipeline,
    load_pipeline,
    pipeline_from_data,
)
from .paths import (
    MAX_ITERATIONS,
    TRUNCATED,
    PathNode,
    PipelinePath,
    count_paths,
    enumerate_paths,
    is_truncated,
    method_ids_of,
    path_termination,
    termination_type_of,
)
from .structure import camera_group_of, structure_errors, structure_warnings
from .tool_config import METADATA_EXTENSIONS, PipelineToolConfig, derive_tool_config

__all__ = [
    "MAX_ITERATIONS",
    "METADATA_EXTENSIONS",
    "NODE_TYPES",
    "PATH_CAP",
    "TRUNCATED",
    "FileTemplate",
    "ImageOutcome",
    "Node",
    "PathMatcher",
    "PathNode",
    "Pipeline",
    "PipelinePath",
    "PipelineToolConfig",
    "TerminationOutcome",
    "camera_group_of",
    "checked_pipeline",
    "count_paths",
    "derive_tool_config",
    "enumerate_paths",
    "expected_filenames",
    "expected_tails",
    "is_truncated",
    "load_pipeline",
    "match_status",
    "method_ids_of",
    "path_templates",
    "path_termination",
    "pipeline_from_data",
    "structure_errors",
    "structure_warnings",
    "termination_type_of",
]
