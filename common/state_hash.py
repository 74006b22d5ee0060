"""Input-state hash (analysis spec 7.1, D10): recognises a collection that has not changed.

The file part covers every listed file, not only photos; the config part covers what shapes the
analysis. Agent and coordinator compute the same value from the same inputs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from operator import itemgetter
from typing import Any

from .files import FileEntry

__all__ = ["HASH_VERSION", "combined_hash", "config_hash", "file_list_hash", "input_state_hash"]

# 2: results of schema 2, and the filename convention, so an unchanged collection is analysed
# once more after an upgrade instead of copying a result that lacks the new findings. 3: results
# of schema 3 (each image in one validation issue), for the same reason.
HASH_VERSION = "shuttersense/3"
_CONFIG_KEYS = (
    "photo_extensions",
    "metadata_extensions",
    "require_sidecar",
    "camera_mappings",
    "processing_methods",
    "filename_convention",
    "pipeline",
    "pipeline_tool_config",
    "check_sidecars",  # PhotoStats' only, and only when it reads the sidecars
)
_BATCH = 8192


def file_list_hash(entries: Iterable[FileEntry]) -> str:
    """SHA-256 of `path|size|mtime` lines (whole seconds), sorted by path, joined by newlines."""
    digest = hashlib.sha256()
    ordered = sorted(entries, key=itemgetter(0))
    for start in range(0, len(ordered), _BATCH):
        chunk = ordered[start : start + _BATCH]
        text = "\n".join(f"{e.path}|{e.size}|{int(e.mtime)}" for e in chunk)
        if start:
            digest.update(b"\n")
        digest.update(text.encode("utf-8"))
    return digest.hexdigest()


def config_hash(config: Mapping[str, Any]) -> str:
    """SHA-256 of the hash-relevant config keys plus our hash version, as canonical JSON."""
    kept = {key: config[key] for key in _CONFIG_KEYS if key in config}
    kept["_hash_version"] = HASH_VERSION
    text = json.dumps(kept, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def combined_hash(tool: str, files_hash: str, settings_hash: str) -> str:
    """SHA-256 of `tool|file_hash|config_hash`."""
    return hashlib.sha256(f"{tool}|{files_hash}|{settings_hash}".encode()).hexdigest()


def input_state_hash(tool: str, entries: Iterable[FileEntry], config: Mapping[str, Any]) -> str:
    """The whole input-state hash of one tool over one listing."""
    return combined_hash(tool, file_list_hash(entries), config_hash(config))
