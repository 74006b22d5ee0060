"""The tool configuration a pipeline implies (analysis spec 5): regex, extensions, sidecar rules.

PhotoStats and Photo Pairing use it instead of the team config when a pipeline is in force;
Pipeline Validation always does (D3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import PipelineError
from .model import Node, Pipeline
from .paths import method_ids_of

__all__ = ["METADATA_EXTENSIONS", "PipelineToolConfig", "derive_tool_config"]

METADATA_EXTENSIONS = frozenset({".xmp"})


@dataclass(frozen=True, slots=True)
class PipelineToolConfig:
    """Immutable and deterministic: equal pipelines give equal configs (and equal hashes)."""

    filename_regex: str
    camera_id_group: int
    photo_extensions: tuple[str, ...]
    metadata_extensions: tuple[str, ...]
    require_sidecar: tuple[str, ...]
    processing_suffixes: dict[str, str] = field(default_factory=dict, hash=False)

    def hash_fields(self) -> dict[str, Any]:
        """Plain data for the input-state hash (analysis spec 7.1)."""
        return {
            "filename_regex": self.filename_regex,
            "camera_id_group": self.camera_id_group,
            "photo_extensions": list(self.photo_extensions),
            "metadata_extensions": list(self.metadata_extensions),
            "require_sidecar": list(self.require_sidecar),
            "processing_suffixes": dict(self.processing_suffixes),
        }


def _extension(node: Node) -> str | None:
    raw = node.properties.get("extension")
    if not isinstance(raw, str) or not raw.strip(" ."):
        return None
    ext = raw.strip().lower()
    return ext if ext.startswith(".") else "." + ext


def _camera_group(value: Any) -> int:
    if isinstance(value, bool):
        return 1
    try:
        group = int(value)
    except (TypeError, ValueError):
        return 1
    return group if group in (1, 2) else 1


def derive_tool_config(pipeline: Pipeline) -> PipelineToolConfig:
    """Derive the configuration; PipelineError when there is no Capture, regex or File node."""
    captures = pipeline.of_type("capture")
    if not captures:
        raise PipelineError(f"pipeline {pipeline.name!r} has no Capture node")
    capture = captures[0]
    regex = capture.properties.get("filename_regex")
    if not isinstance(regex, str) or not regex:
        raise PipelineError(f"Capture node '{capture.id}' has no filename_regex")
    files = {node.id: ext for node in pipeline.of_type("file") if (ext := _extension(node))}
    if not files:
        raise PipelineError(f"pipeline {pipeline.name!r} has no File node with an extension")
    photos = tuple(dict.fromkeys(e for e in files.values() if e not in METADATA_EXTENSIONS))
    metadata = tuple(dict.fromkeys(e for e in files.values() if e in METADATA_EXTENSIONS))

    # A sidecar requirement comes from siblings: one parent feeding an image and a sidecar.
    required: dict[str, None] = {}
    for children in pipeline.outputs.values():
        siblings = [
            files[child]
            for child in children
            if child in files and not pipeline.nodes[child].flag("optional")
        ]
        if any(e in METADATA_EXTENSIONS for e in siblings):
            required.update((e, None) for e in siblings if e not in METADATA_EXTENSIONS)

    suffixes: dict[str, str] = {}
    for node in pipeline.of_type("process"):
        for method in method_ids_of(node):
            if method:
                suffixes[method] = node.name
    return PipelineToolConfig(
        filename_regex=regex,
        camera_id_group=_camera_group(capture.properties.get("camera_id_group", 1)),
        photo_extensions=photos,
        metadata_extensions=metadata,
        require_sidecar=tuple(required),
        processing_suffixes=dict(sorted(suffixes.items())),
    )
