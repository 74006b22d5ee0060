"""The `default` shape: the benchmark's original collection, unchanged since its first figures.

A photographer's tree `YYYY/YYYY-MM/YYYY-MM-DD Event/` (200-2000 files per event, JPG exports
sometimes in an `Export/` subfolder). Camera bodies have IDs such as AB3D, XY7Z, R5M2; their
counters run 0001-9999 and a body that wraps gets a new ID, so every group ID stays unique. Each
image follows one of the workflows of benchmarks/pipeline.yaml (FAMILIES below); about 1 % are
orphans, about 0.5 % of files have invalid names and every folder has some unrelated files.

Do not change what this module draws from its Random: the same (files, seed) must keep giving
the same tree, byte for byte, so figures measured on it stay comparable (a test holds it to a
digest of the tree).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from .base import DAY, EVENT_KINDS, EVENT_PLACES, Camera, Families, File, GroupShoot, midnight

__all__ = ["CREATIVE_METHODS", "FAMILIES", "INITIAL_CAMERAS", "DefaultShoot"]

# Image workflows and their weights; each name is explained in `_group_files`.
FAMILIES: tuple[tuple[str, int], ...] = (
    ("dng_jpg", 440),  # CR3 + XMP + DxO DNG + JPG from the DNG
    ("topaz", 150),  # ... + Topaz TIF + JPG from the TIF
    ("creative", 50),  # ... + HDR / Focus Stack / BW TIF + its JPG
    ("dng_xmp", 60),  # CR3 + XMP + DNG + DxO's own XMP + JPG (an extra file: warning)
    ("separate", 40),  # a dng_jpg image plus a `-2` separate image with its own files
    ("dng_only", 60),  # processed, not exported yet (PARTIAL for the Browsable Archive)
    ("raw_only", 130),  # not processed yet (PARTIAL)
    ("cr3_no_xmp", 5),  # orphan: CR3 without its sidecar
    ("xmp_only", 5),  # orphan: sidecar whose raw was deleted
    ("invalid", 20),  # a badly named file: about 0.5 % of all files
)
CREATIVE_METHODS = ("HDR", "Focus Stack", "BW")
INITIAL_CAMERAS = ("AB3D", "XY7Z", "R5M2")


class DefaultShoot(GroupShoot):
    def __init__(self, seed: int) -> None:
        super().__init__(seed, INITIAL_CAMERAS)
        self.day = date(2015, 3, 1)
        self.phone_counter = 1000
        self.zero_counters: set[str] = set()
        self.families = Families(FAMILIES)

    def _next_group(self, camera: Camera) -> str:
        """The next group ID of a body; deleted frames skip counters; a wrap gets a new ID."""
        step = 1 if self.rng.random() < 0.9 else self.rng.randint(2, 6)
        camera.counter += step
        if camera.counter > 9999:
            camera.camera_id = self.new_camera_id()
            camera.counter = 1
        return f"{camera.camera_id}{camera.counter:04d}"

    def event(self, budget: int) -> list[File]:
        """The files of the next event folder: about 200-2000, never more than `budget`."""
        rng = self.rng
        self.day += timedelta(days=rng.randint(1, 6))
        label = f"{rng.choice(EVENT_KINDS)} {rng.choice(EVENT_PLACES)}"
        folder = f"{self.day:%Y}/{self.day:%Y-%m}/{self.day:%Y-%m-%d} {label}"
        export = folder + "/Export" if rng.random() < 0.3 else folder
        target = min(budget, rng.randint(200, 2000))
        start = midnight(self.day)
        shot_time = start + rng.randint(7 * 3600, 15 * 3600)
        primary, secondary = rng.sample(self.cameras, 2)

        files: list[File] = [(folder, ".DS_Store", rng.choice((6148, 8196, 10244)), start)]
        if rng.random() < 0.25:
            files.append((folder, "shoot notes.txt", self.size("txt"), start + DAY))
        if export != folder:
            files.append((export, ".DS_Store", 6148, start + 3 * DAY))
        return self.fill(files, target, self._shots(shot_time, primary, secondary), folder, export)

    def _shots(self, shot: int, primary: Camera, secondary: Camera) -> Iterator[tuple[Camera, int]]:
        """Each next image's body and time: seconds apart, mostly from the primary body."""
        rng = self.rng
        while True:
            shot += rng.randint(1, 90)
            yield (primary if rng.random() < 0.85 else secondary), shot

    def _group_files(
        self, family: str, group: str, folder: str, export: str, shot: int
    ) -> list[File]:
        rng = self.rng
        if family != "xmp_only":
            self.stats.images += 1

        def at(days_low: float, days_high: float) -> int:
            return shot + int(rng.uniform(days_low, days_high) * DAY)

        raw = (folder, f"{group}.CR3", self.size("cr3"), shot)
        xmp = (folder, f"{group}.xmp", self.size("xmp"), at(0.5, 3))
        if family == "cr3_no_xmp":
            return [raw]
        if family == "xmp_only":
            return [xmp]
        if family == "raw_only":
            return [raw, xmp]
        dng = (folder, f"{group}-DxO.dng", self.size("dng"), at(3, 10))
        if family == "dng_only":
            return [raw, xmp, dng]
        jpg = (export, f"{group}-DxO.jpg", self.size("jpg"), at(10, 20))
        if family == "dng_jpg":
            return [raw, xmp, dng, jpg]
        if family == "dng_xmp":
            return [raw, xmp, dng, (folder, f"{group}-DxO.xmp", self.size("xmp"), at(3, 10)), jpg]
        if family in ("topaz", "creative"):
            method = "Topaz" if family == "topaz" else rng.choice(CREATIVE_METHODS)
            tif = (folder, f"{group}-DxO-{method}.tif", self.size("tif"), at(10, 30))
            tif_jpg = (export, f"{group}-DxO-{method}.jpg", self.size("jpg"), at(30, 40))
            return [raw, xmp, dng, tif, tif_jpg]
        # "separate": a second image under the same counter; its marker follows every method.
        self.stats.images += 1
        return [
            raw,
            xmp,
            dng,
            jpg,
            (folder, f"{group}-2.CR3", self.size("cr3"), shot + 1),
            (folder, f"{group}-2.xmp", self.size("xmp"), at(0.5, 3)),
            (folder, f"{group}-DxO-2.dng", self.size("dng"), at(3, 10)),
            (export, f"{group}-DxO-2.jpg", self.size("jpg"), at(10, 20)),
        ]

    def _invalid_file(self, camera: Camera, folder: str, shot: int) -> File:
        """A name the grammar rejects: a phone picture, a lowercase camera ID or counter 0000."""
        kind = self.rng.random()
        if 0.5 <= kind < 0.8:
            group = self._next_group(camera)
            return (folder, f"{group.lower()}.CR3", self.size("cr3"), shot)
        zero = f"{camera.camera_id}0000"
        if kind >= 0.8 and zero not in self.zero_counters:
            self.zero_counters.add(zero)
            return (folder, f"{zero}.CR3", self.size("cr3"), shot)
        self.phone_counter += 1
        return (folder, f"IMG_{self.phone_counter:04d}.JPG", self.size("phone"), shot)
