"""A realistic sample collection for a first try, when no photos are at hand.

A few hundred files: RAW + XMP families, DxO DNG and TIF derivatives, JPG exports, separate
images, a darktable-style sidecar, orphans, invalid names, one malformed sidecar, and a pipeline
and team config beside them. Images are sparse files with realistic sizes, so the demo costs
almost no disk. The same seed always gives the same collection.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["DEMO_CONFIG", "DEMO_PIPELINE", "DemoCollection", "build_demo"]

MARKER = ".shuttersense-demo"

DEMO_PIPELINE = """\
name: Demo RAW workflow
version: 1
nodes:
  - id: capture
    type: capture
    properties:
      name: Camera
      filename_regex: '([A-Z0-9]{4})([0-9]{4})'
      camera_id_group: "1"
      sample_filename: AB3D0001
  - {id: raw, type: file, properties: {name: RAW file, extension: .CR3}}
  - {id: sidecar, type: file, properties: {name: XMP sidecar, extension: .xmp}}
  - {id: develop, type: pairing, properties: {name: RAW + sidecar, pairing_type: sidecar,
     input_count: 2}}
  - {id: dxo, type: process, properties: {name: DxO PureRAW, method_ids: [DxO]}}
  - {id: dng, type: file, properties: {name: Linear DNG, extension: .DNG}}
  - {id: topaz, type: process, properties: {name: Topaz sharpen, method_ids: [Topaz]}}
  - {id: tif, type: file, properties: {name: Print TIFF, extension: .TIF}}
  - {id: jpg, type: file, properties: {name: Quick JPG export, extension: .jpg}}
  - {id: archive, type: termination, properties: {name: Archive,
     termination_type: Black Box Archive}}
  - {id: browsable, type: termination, properties: {name: Gallery,
     termination_type: Browsable Archive}}
edges:
  - {from: capture, to: raw}
  - {from: capture, to: sidecar}
  - {from: raw, to: develop}
  - {from: sidecar, to: develop}
  - {from: develop, to: dxo}
  - {from: dxo, to: dng}
  - {from: dng, to: archive}
  - {from: dng, to: topaz}
  - {from: topaz, to: tif}
  - {from: tif, to: browsable}
  - {from: develop, to: jpg}
  - {from: jpg, to: browsable}
"""

DEMO_CONFIG = """\
photo_extensions: [.cr3, .dng, .tif, .jpg]
metadata_extensions: [.xmp]
require_sidecar: [.cr3]
camera_mappings:
  AB3D: [{name: Canon EOS R5, serial_number: "012345"}]
  XY7Z: [{name: Sony A7 IV, serial_number: "998877"}]
  R6M2: [{name: Canon EOS R6 II}]
processing_methods:
  DxO: DxO PureRAW
  Topaz: Topaz Sharpen AI
  HDR: HDR merge
"""

_XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:tiff="http://ns.adobe.com/tiff/1.0/" xmp:Rating="{rating}" tiff:Model="{model}">
   <xmp:Label>{label}</xmp:Label>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>
"""
_CAMERAS = (("AB3D", "Canon EOS R5"), ("XY7Z", "ILCE-7M4"), ("R6M2", "Canon EOS R6m2"))
_EVENTS = ("2024/03-spring-wedding", "2024/07-alps-trip", "2025/01-studio-portraits")
_SIZES = {".CR3": (24, 46), ".DNG": (60, 95), ".TIF": (110, 160), ".jpg": (3, 9)}
_MB = 1024 * 1024


@dataclass
class DemoCollection:
    """Where the demo put things."""

    root: Path
    collection: Path
    pipeline: Path
    config: Path
    files: list[Path] = field(default_factory=list)


class _Writer:
    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root = root
        self.rng = rng
        self.files: list[Path] = []
        self.clock = 1_700_000_000

    def image(self, folder: str, name: str) -> None:
        low, high = _SIZES.get(name[name.rfind(".") :], (5, 10))
        self._file(folder, name, size=self.rng.randint(low * _MB, high * _MB))

    def sidecar(self, folder: str, name: str, model: str) -> None:
        text = _XMP.format(rating=self.rng.randint(0, 5), model=model, label="Select")
        self._file(folder, name, data=text.encode())

    def raw_text(self, folder: str, name: str, text: str) -> None:
        self._file(folder, name, data=text.encode())

    def _file(self, folder: str, name: str, *, size: int = 0, data: bytes = b"") -> None:
        path = self.root / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            if data:
                handle.write(data)
            else:
                handle.truncate(size)
        self.clock += self.rng.randint(5, 400)
        os.utime(path, (self.clock, self.clock))
        self.files.append(path)


def _family(w: _Writer, folder: str, camera: str, model: str, counter: int) -> None:
    """One photographed frame and whatever the workflow made of it so far."""
    base = f"{camera}{counter:04d}"
    roll = w.rng.random()
    w.image(folder, base + ".CR3")
    if roll > 0.04:
        w.sidecar(folder, base + ".xmp", model)
    if roll > 0.25:
        w.image(folder, base + "-DxO.DNG")
        if roll > 0.45:
            w.image(folder, base + "-DxO-Topaz.TIF")
    if w.rng.random() < 0.3:
        w.image(folder, base + ".jpg")
    if w.rng.random() < 0.06:
        w.image(folder, base + "-2.CR3")
        w.sidecar(folder, base + "-2.xmp", model)
        w.image(folder, base + "-DxO-2.DNG")
    if w.rng.random() < 0.05:
        w.image(folder, base + "-HDR.DNG")


def _oddities(w: _Writer) -> None:
    """The problems an audit should find, one or a few of each."""
    event = _EVENTS[0]
    w.sidecar(event, "AB3D0990.xmp", "Canon EOS R5")  # sidecar whose RAW is gone
    w.sidecar(_EVENTS[1], "XY7Z0991.xmp", "ILCE-7M4")
    for name in ("IMG_4821.jpg", "ab3d0993.CR3", "AB3D0997 copy.CR3", "R6M20994--HDR.DNG"):
        w.image(event, name)
    w.image(_EVENTS[2], "R6M20995.CR3")  # darktable keeps full-name sidecars
    w.sidecar(_EVENTS[2], "R6M20995.CR3.xmp", "Canon EOS R6m2")
    w.raw_text(_EVENTS[2], "R6M20996.xmp", "<x:xmpmeta><rdf:RDF>truncated by a crashed sync")
    w.image(_EVENTS[2], "R6M20996.CR3")
    w.raw_text(event, "notes.txt", "Shot list: ceremony, portraits, dinner.\n")
    w.raw_text(event, ".DS_Store", "")


def build_demo(target: Path, *, seed: int = 2024) -> DemoCollection:
    """Create the demo collection, pipeline and config under `target` (which must be fresh)."""
    rng = random.Random(seed)
    collection = target / "collection"
    writer = _Writer(collection, rng)
    counters = {camera: 0 for camera, _ in _CAMERAS}
    for event in _EVENTS:
        for camera, model in _CAMERAS:
            for _ in range(rng.randint(12, 18)):
                counters[camera] += rng.randint(1, 3)
                _family(writer, event, camera, model, counters[camera])
    _oddities(writer)
    pipeline = target / "pipeline.yaml"
    pipeline.write_text(DEMO_PIPELINE, encoding="utf-8")
    config = target / "team-config.yaml"
    config.write_text(DEMO_CONFIG, encoding="utf-8")
    (target / MARKER).write_text("made by `shuttersense demo`; safe to delete\n", encoding="utf-8")
    return DemoCollection(target, collection, pipeline, config, writer.files)
