"""The `selective` shape: a working photographer's archive where only the best shots are developed.

The pipeline (benchmarks/pipeline-selective.yaml) has two terminations. Every raw with its XMP
goes to the "Black Box Archive"; only the few best shots are developed, DxO PureRAW to DNG and
an edit to TIF, for the "Browsable Archive". So most images reach one termination only and are
PARTIAL overall (about 93 % at 1,000,000 files), and every one of them is listed with its
expected, missing and extra files. The shape, per FAMILIES and the constants below:

- 40 camera bodies (a studio with second shooters), 1-3 of them per event; each body's counter
  starts somewhere in 0001-9999 and wraps to 0001 keeping its ID, so the same name occurs in
  several folders of a large collection;
- about 20 % of files carry a separate-image suffix (`-2`, `-3`: bursts and brackets kept as shot);
- about 1 % of files are orphan CR3s and 1 % orphan XMPs, about 0.5 % have invalid names (an
  iPhone's ProRAW `IMG_1234.DNG`, a lowercase `ab3d0042.CR3`, a Finder copy `AB3D0042 copy.CR3`);
- folders `YYYY/YYYY-MM-DD Event/` of 200-1000 files, the developed TIFs of some events in a
  `Selects/` subfolder, and a `.DS_Store` in every folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from .base import DAY, EVENT_KINDS, EVENT_PLACES, Camera, Families, File, GroupShoot, midnight

__all__ = ["CAMERAS", "FAMILIES", "FOLDER_FILES", "SEPARATE_SHARE", "SelectiveShoot"]

FAMILIES: tuple[tuple[str, int], ...] = (
    ("raw", 870),  # CR3 + XMP, archived as shot: Black Box only, PARTIAL for Browsable
    ("developed", 75),  # CR3 + XMP + DxO DNG + edited TIF: CONSISTENT for both
    ("developing", 15),  # CR3 + XMP + DNG, the edit not made yet: PARTIAL
    ("cr3_no_xmp", 27),  # orphan: CR3 without its sidecar
    ("xmp_only", 27),  # orphan: sidecar whose raw was deleted
    ("invalid", 13),  # a phone raw, a lowercase camera ID or a Finder copy
)
CAMERAS = 40
FOLDER_FILES = (200, 1000)
# Share of (raw or developed) groups with separate images; each has one or two of them.
SEPARATE_SHARE = 0.2


class SelectiveShoot(GroupShoot):
    def __init__(self, seed: int) -> None:
        super().__init__(seed, ())
        for _ in range(CAMERAS):
            camera = Camera(self.new_camera_id(), self.rng.randint(0, 9998))
            self.cameras.append(camera)
        self.day = date(2012, 1, 1)
        self.phone_counter = 0
        self.families = Families(FAMILIES)

    def _next_group(self, camera: Camera) -> str:
        """The next group ID of a body; deleted frames skip counters; 9999 wraps to 0001."""
        camera.counter += 1 if self.rng.random() < 0.9 else self.rng.randint(2, 6)
        if camera.counter > 9999:
            camera.counter -= 9999
        return f"{camera.camera_id}{camera.counter:04d}"

    def event(self, budget: int) -> list[File]:
        rng = self.rng
        self.day += timedelta(days=rng.randint(1, 4))
        label = f"{rng.choice(EVENT_KINDS)} {rng.choice(EVENT_PLACES)}"
        folder = f"{self.day:%Y}/{self.day:%Y-%m-%d} {label}"
        selects = folder + "/Selects" if rng.random() < 0.4 else folder
        target = min(budget, rng.randint(*FOLDER_FILES))
        start = midnight(self.day)
        shot = start + rng.randint(7 * 3600, 15 * 3600)
        bodies = rng.sample(self.cameras, rng.choice((1, 1, 2, 2, 2, 3)))

        files: list[File] = [(folder, ".DS_Store", rng.choice((6148, 8196, 10244)), start)]
        if selects != folder:
            files.append((selects, ".DS_Store", 6148, start + 5 * DAY))
        return self.fill(files, target, self._shots(shot, bodies), folder, selects)

    def _shots(self, shot: int, bodies: list[Camera]) -> Iterator[tuple[Camera, int]]:
        """Each next image's body and time: seconds apart, the first body the busiest."""
        rng = self.rng
        weights = [6, 3, 1][: len(bodies)]
        while True:
            shot += rng.randint(1, 60)
            yield rng.choices(bodies, weights=weights)[0], shot

    def _group_files(
        self, family: str, group: str, folder: str, selects: str, shot: int
    ) -> list[File]:
        rng = self.rng
        xmp_time = shot + rng.randint(DAY // 2, 3 * DAY)
        if family == "xmp_only":
            return [(folder, f"{group}.xmp", self.size("xmp"), xmp_time)]
        self.stats.images += 1
        raw = (folder, f"{group}.CR3", self.size("cr3"), shot)
        if family == "cr3_no_xmp":
            return [raw]
        files = [raw, (folder, f"{group}.xmp", self.size("xmp"), xmp_time)]
        if family in ("developed", "developing"):
            developed = shot + rng.randint(3 * DAY, 30 * DAY)
            files.append((folder, f"{group}-DxO.dng", self.size("dng"), developed))
            if family == "developed":
                edited = developed + rng.randint(DAY, 20 * DAY)
                files.append((selects, f"{group}-DxO-Edit.tif", self.size("tif"), edited))
        if family != "developing" and rng.random() < SEPARATE_SHARE:
            for number in range(2, rng.choice((2, 2, 3)) + 1):
                self.stats.images += 1
                self.stats.families["separate"] += 1
                files.append((folder, f"{group}-{number}.CR3", self.size("cr3"), shot + number))
                files.append((folder, f"{group}-{number}.xmp", self.size("xmp"), xmp_time))
        return files

    def _invalid_file(self, camera: Camera, folder: str, shot: int) -> File:
        """A phone's raw dropped into the shoot, a raw renamed with a lowercase ID, or a copy."""
        kind = self.rng.random()
        if kind < 0.4:
            self.phone_counter = self.phone_counter % 9999 + 1
            return (folder, f"IMG_{self.phone_counter:04d}.DNG", self.size("phone"), shot)
        group = self._next_group(camera)
        name = f"{group.lower()}.CR3" if kind < 0.75 else f"{group} copy.CR3"
        return (folder, name, self.size("cr3"), shot)
