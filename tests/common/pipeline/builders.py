"""Compact pipeline builders for the engine and validation tests."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from shuttersense.common.pipeline import Pipeline, PipelinePath, pipeline_from_data

LEGACY_REGEX = "([A-Z0-9]{4})([0-9]{4})"


def capture(node_id: str = "capture", **props: Any) -> dict[str, Any]:
    properties = {
        "filename_regex": LEGACY_REGEX,
        "camera_id_group": "1",
        "sample_filename": "AB3D0001",
    }
    properties.update(props)
    return {"id": node_id, "type": "capture", "properties": properties}


def file(node_id: str, extension: str, **props: Any) -> dict[str, Any]:
    return {"id": node_id, "type": "file", "properties": {"extension": extension, **props}}


def process(node_id: str, *methods: str, **props: Any) -> dict[str, Any]:
    return {"id": node_id, "type": "process", "properties": {"method_ids": list(methods), **props}}


def pairing(node_id: str) -> dict[str, Any]:
    return {"id": node_id, "type": "pairing", "properties": {"pairing_type": "sidecar"}}


def branching(node_id: str) -> dict[str, Any]:
    return {"id": node_id, "type": "branching", "properties": {}}


def term(node_id: str, kind: str = "Archive") -> dict[str, Any]:
    return {"id": node_id, "type": "termination", "properties": {"termination_type": kind}}


def edges(spec: str) -> list[dict[str, str]]:
    """`"a>b, b>c"` -> edge mappings; `"a>b>c"` chains."""
    out = []
    for chain in spec.split(","):
        ids = [part.strip() for part in chain.split(">")]
        out += [{"from": a, "to": b} for a, b in pairwise(ids)]
    return out


def data(nodes: list[dict[str, Any]], spec: str, **top: Any) -> dict[str, Any]:
    return {"name": "test", **top, "nodes": nodes, "edges": edges(spec)}


def build(nodes: list[dict[str, Any]], spec: str, **top: Any) -> Pipeline:
    return pipeline_from_data(data(nodes, spec, **top))


def ids(path: PipelinePath) -> list[str | None]:
    return [step.node_id for step in path]


def sidecar_pipeline(*, paired: bool = True) -> Pipeline:
    """Capture -> {CR3, XMP} (-> Pairing) -> Archive."""
    nodes = [capture(), file("raw", ".CR3"), file("xmp", ".xmp"), term("end")]
    if paired:
        return build([*nodes, pairing("pair")], "capture>raw>pair, capture>xmp>pair, pair>end")
    return build(nodes, "capture>raw>end, capture>xmp>end")
