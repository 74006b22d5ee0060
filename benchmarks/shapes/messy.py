"""The `messy` shape: years of cards, drives and phones merged without much care.

The pipeline (benchmarks/pipeline-messy.yaml) is the default one plus Nikon and Sony raws, so
their camera default names count as photos with invalid names. Per FAMILIES and the constants
below, by share of files (measured at 1,000,000 files, see docs/performance.md):

- about 5 % invalid names: camera defaults (`IMG_1234.JPG`, `IMG_1234.CR3`, `DSC_0042.NEF`,
  `_DSC0042.ARW`), names with spaces, unicode or odd characters (`AB3D0042 copy.CR3`,
  `AB3D0042-DxO (2).jpg`, `Zoë 034.JPG`), lowercase IDs, empty properties (`AB3D0042-.JPG`);
  some default names parse as groups (`DSCF1234.JPG`, `P1000123.JPG`) and stand alone;
- 4 % of files are written as orphan CR3s and 5 % as orphan XMPs (the defaults' raws often lack
  their XMP too); as names repeat across folders PhotoStats pairs some of them with a namesake
  elsewhere and reports about 3 % of each;
- the same camera ID + counter in different folders: six bodies at a time (one replaced by a new
  body now and then, about 70 IDs in 1M files) whose counters wrap at 9999 and whose numbering
  is sometimes reset to 0001 on a fresh card, and images copied a second time into a `copy`
  folder: about a quarter of the names occur in two folders or more;
- deep trees: every event folder sits 8-11 levels down (`Old Drive (2)/Backup 2019/…/2018/
  2018-07/2018-07-14 Hochzeit Müller/`), exports one level below it, at most 12;
- about 5 % of files with extensions no tool counts: .HEIC .ORF .RW2 .PSD .mov .MP4 .AAE .png,
  and `.DS_Store`, `Thumbs.db` or `desktop.ini` in most folders.
"""

from __future__ import annotations

from datetime import date, timedelta

from .base import DAY, Camera, Families, File, Shoot, midnight

__all__ = ["CAMERAS", "DEPTH", "FAMILIES", "FOLDER_FILES", "MessyShoot"]

FAMILIES: tuple[tuple[str, int], ...] = (
    ("raw_only", 330),  # CR3 + XMP
    ("dng_jpg", 260),  # CR3 + XMP + DxO DNG + JPG
    ("cr3_no_xmp", 90),  # orphan CR3
    ("xmp_only", 120),  # orphan XMP
    ("camera_default", 100),  # a camera's own name: IMG_, DSC_, _DSC, DSCF, P100
    ("odd_name", 45),  # spaces, unicode, odd characters, lowercase, empty property
    ("foreign", 110),  # HEIC, ORF, RW2, PSD, MOV, MP4, AAE, PNG
    ("duplicate", 30),  # an earlier image of the event copied again into a `copy` folder
)
CAMERAS = 6  # bodies in use at any time; one is replaced by a new one now and then
NEW_BODY_CHANCE = 0.05  # per event
FOLDER_FILES = (50, 1500)
DEPTH = (8, 11)  # levels of an event folder below photos/; its exports go one deeper
RESET_CHANCE = 0.03  # per event and body: numbering restarts at 0001 on a fresh card
ROOTS = ("Photos", "Pictures", "Old Drive (2)", "NAS Backup", "Fotos Mama", "Archiv")
FILLERS = (
    "Backup 2019",
    "from laptop",
    "Lightroom",
    "Imports",
    "misc",
    "Sorted",
    "old stuff",
    "to sort",
    "Camera Uploads",
    "New Folder",
    "New Folder (2)",
    "Ünsortiert",
    "copy of copy",
    "DO NOT DELETE",
    "2nd disk",
)
LABELS = (
    "Hochzeit Müller",
    "Île de Ré",
    "São Paulo",
    "Zoë's 5th Birthday",
    "Kraków trip",
    "Xmas @ home",
    "beach (again)",
    "Jazz & Blues #3",
    "Ålesund",
    "garden",
)
ODD_NAMES = (
    "{group} copy.CR3",
    "{group} (1).JPG",
    "{group}-DxO (2).jpg",
    "Copy of {group}.CR3",
    "{group}-Retusche Müller.tif",
    "{lower}.cr3",
    "{group}-.JPG",
    "{group}--HDR.tif",
    "Zoë {n}.JPG",
    "café au lait #{n}.JPG",
    "😀 party {n}.JPG",
    "scan {n} (Oma's Fotos).tif",
    "Bildschirmfoto {n}.JPG",
    "naïve – final {n}.jpg",
)
FOREIGN = (
    ("IMG_{n}.HEIC", "heic"),
    ("IMG_{n}.AAE", "txt"),
    ("P{n}.ORF", "orf"),
    ("P10{n}.RW2", "rw2"),
    ("{group} layers.psd", "psd"),
    ("MVI_{n}.MOV", "mov"),
    ("C{n}.MP4", "mov"),
    ("Screenshot {n}.png", "png"),
)
JUNK = ((".DS_Store", 6148), ("Thumbs.db", 24576), ("desktop.ini", 282))


class MessyShoot(Shoot):
    def __init__(self, seed: int) -> None:
        super().__init__(seed, ())
        self.cameras = [Camera(self.new_camera_id()) for _ in range(CAMERAS)]
        self.day = date(2008, 6, 1)
        self.defaults = 0  # the counter every camera-default name takes its number from
        self.families = Families(FAMILIES)

    def _next_group(self, camera: Camera) -> str:
        camera.counter = camera.counter % 9999 + (1 if self.rng.random() < 0.9 else 2)
        return f"{camera.camera_id}{min(camera.counter, 9999):04d}"

    def _number(self) -> str:
        self.defaults = self.defaults % 9999 + 1
        return f"{self.defaults:04d}"

    def _folder(self) -> str:
        rng = self.rng
        depth = rng.randint(*DEPTH)
        label = rng.choice(LABELS)
        dated = [f"{self.day:%Y}", f"{self.day:%Y-%m}", f"{self.day:%Y-%m-%d} {label}"]
        return "/".join([rng.choice(ROOTS), *rng.sample(FILLERS, depth - 4), *dated])

    def event(self, budget: int) -> list[File]:
        rng = self.rng
        self.day += timedelta(days=rng.randint(1, 4))
        folder = self._folder()
        export = folder + "/" + rng.choice(("Export", "web", "JPEG", "für Oma"))
        copies = folder + "/" + rng.choice(("copy", "Card 2 (copy)", "import (1)"))
        target = min(budget, rng.randint(*FOLDER_FILES))
        start = midnight(self.day)
        shot = start + rng.randint(6 * 3600, 16 * 3600)
        if rng.random() < NEW_BODY_CHANCE:
            self.cameras[rng.randrange(CAMERAS)] = Camera(self.new_camera_id())
        bodies = rng.sample(self.cameras, 2)
        for camera in bodies:
            if rng.random() < RESET_CHANCE:
                camera.counter = 0

        junk, junk_size = rng.choice(JUNK)
        files: list[File] = [(folder, junk, junk_size, start)]
        earlier: list[list[File]] = []
        while len(files) < target:
            shot += rng.randint(1, 120)
            camera = bodies[0] if rng.random() < 0.8 else bodies[1]
            family = self.families.draw(rng)
            self.stats.families[family] += 1
            if family == "duplicate":
                if earlier:
                    image = earlier.pop(rng.randrange(len(earlier)))
                    files.extend((copies, name, size, mtime) for _, name, size, mtime in image)
                continue
            image = self._image_files(family, camera, folder, export, shot)
            if family in ("raw_only", "dng_jpg"):
                earlier.append(image)
            files.extend(image)
        return files[:target]

    def _image_files(
        self, family: str, camera: Camera, folder: str, export: str, shot: int
    ) -> list[File]:
        rng = self.rng
        later = shot + rng.randint(DAY // 4, 40 * DAY)
        if family == "camera_default":
            return self._camera_default(folder, shot, later)
        if family == "odd_name":
            return [self._odd_name(camera, folder, export, shot)]
        if family == "foreign":
            pattern, kind = rng.choice(FOREIGN)
            name = pattern.format(n=self._number(), group=self._next_group(camera))
            return [(folder, name, self.size(kind), shot)]
        group = self._next_group(camera)
        xmp = (folder, f"{group}.xmp", self.size("xmp"), later)
        if family == "xmp_only":
            return [xmp]
        self.stats.images += 1
        raw = (folder, f"{group}.CR3", self.size("cr3"), shot)
        if family == "cr3_no_xmp":
            return [raw]
        if family == "raw_only":
            return [raw, xmp]
        dng = (folder, f"{group}-DxO.dng", self.size("dng"), later + DAY)
        return [raw, xmp, dng, (export, f"{group}-DxO.jpg", self.size("jpg"), later + 2 * DAY)]

    def _camera_default(self, folder: str, shot: int, later: int) -> list[File]:
        """A camera's own name; raws get their XMP half of the time."""
        rng = self.rng
        n = self._number()
        stem, ext, kind = rng.choice(
            (
                (f"IMG_{n}", "JPG", "phone"),
                (f"IMG_{n}", "CR3", "cr3"),
                (f"DSC_{n}", "NEF", "nef"),
                (f"DSC_{n}", "JPG", "jpg"),
                (f"_DSC{n}", "ARW", "arw"),
                (f"DSCF{n}", "JPG", "jpg"),
                (f"P100{n}", "JPG", "jpg"),
            )
        )
        files = [(folder, f"{stem}.{ext}", self.size(kind), shot)]
        if kind in ("cr3", "nef", "arw") and rng.random() < 0.5:
            files.append((folder, f"{stem}.xmp", self.size("xmp"), later))
        return files

    def _odd_name(self, camera: Camera, folder: str, export: str, shot: int) -> File:
        rng = self.rng
        group = self._next_group(camera)
        pattern = rng.choice(ODD_NAMES)
        name = pattern.format(group=group, lower=group.lower(), n=self._number())
        kind = {".CR3": "cr3", ".cr3": "cr3", ".tif": "tif"}.get(name[name.rfind(".") :], "jpg")
        return (export if kind == "jpg" else folder, name, self.size(kind), shot)
