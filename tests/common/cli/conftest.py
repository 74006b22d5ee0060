"""Sample collections and pipelines on disk for the command's end-to-end tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.samples import FAMILY, PIPELINE, MakeTree


@pytest.fixture
def make_tree(tmp_path: Path) -> MakeTree:
    """Write `{relative path: bytes or size}` under tmp_path/collection and return that root."""

    def make(files: dict[str, bytes | int]) -> Path:
        root = tmp_path / "collection"
        root.mkdir(exist_ok=True)
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, int):
                path.write_bytes(b"\0" * content)
            else:
                path.write_bytes(content)
        return root

    return make


@pytest.fixture
def pipeline_file(tmp_path: Path) -> Path:
    path = tmp_path / "pipeline.json"
    path.write_text(json.dumps(PIPELINE), encoding="utf-8")
    return path


@pytest.fixture
def family_tree(make_tree: MakeTree) -> Path:
    """One complete image, one partial, one orphaned sidecar, one invalid name."""
    return make_tree({**FAMILY, "2024/notes.txt": b"hello"})
