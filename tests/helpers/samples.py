"""Sample pipeline, sidecar text and photo family shared by tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

PIPELINE = {
    "name": "Test workflow",
    "nodes": [
        {
            "id": "capture",
            "type": "capture",
            "properties": {
                "filename_regex": "([A-Z0-9]{4})([0-9]{4})",
                "camera_id_group": "1",
                "sample_filename": "AB3D0001",
            },
        },
        {"id": "raw", "type": "file", "properties": {"extension": ".CR3"}},
        {"id": "xmp", "type": "file", "properties": {"extension": ".xmp"}},
        {"id": "pair", "type": "pairing", "properties": {"pairing_type": "sidecar"}},
        {"id": "dxo", "type": "process", "properties": {"method_ids": ["DxO"]}},
        {"id": "dng", "type": "file", "properties": {"extension": ".DNG"}},
        {"id": "end", "type": "termination", "properties": {"termination_type": "Archive"}},
    ],
    "edges": [
        {"from": "capture", "to": "raw"},
        {"from": "capture", "to": "xmp"},
        {"from": "raw", "to": "pair"},
        {"from": "xmp", "to": "pair"},
        {"from": "pair", "to": "dxo"},
        {"from": "dxo", "to": "dng"},
        {"from": "dng", "to": "end"},
    ],
}

XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""/>'
    "</rdf:RDF></x:xmpmeta>"
)

MakeTree = Callable[[dict[str, bytes | int]], Path]

# One complete image, one partial, one orphaned sidecar, one invalid name (bytes: content,
# int: a size of zeros).
FAMILY: dict[str, bytes | int] = {
    "2024/AB3D0001.CR3": 300,
    "2024/AB3D0001.xmp": XMP.encode(),
    "2024/AB3D0001-DxO.DNG": 500,
    "2024/AB3D0002.CR3": 200,
    "2024/AB3D0002.xmp": XMP.encode(),
    "2024/AB3D0003.xmp": XMP.encode(),
    "2024/IMG_0004.CR3": 100,
}
