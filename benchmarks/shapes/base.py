"""What every collection shape shares: the file tuple, sizes, statistics, camera bodies, events.

A shape is a class with a seeded `random.Random`, a `stats` record and an `event(budget)` method
that returns the files of its next event (one or more folders), at least one and never more than
`budget`. benchmarks/collection.py writes them; everything random comes from that one generator,
so the same seed always gives the same files.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import accumulate
from random import Random
from typing import Protocol

__all__ = [
    "CAMERA_ALPHABET",
    "DAY",
    "EVENT_KINDS",
    "EVENT_PLACES",
    "KB",
    "MB",
    "SIZES",
    "Camera",
    "Families",
    "File",
    "GroupShoot",
    "Shape",
    "Shoot",
    "Stats",
    "midnight",
]

MB = 1024 * 1024
KB = 1024
DAY = 86_400

# Size ranges in bytes, per kind of file.
SIZES = {
    "cr3": (25 * MB, 45 * MB),
    "dng": (60 * MB, 90 * MB),
    "tif": (100 * MB, 150 * MB),
    "jpg": (3 * MB, 8 * MB),
    "xmp": (8 * KB, 20 * KB),
    "phone": (2 * MB, 5 * MB),
    "txt": (200, 4 * KB),
    "nef": (20 * MB, 50 * MB),
    "arw": (20 * MB, 60 * MB),
    "orf": (15 * MB, 25 * MB),
    "rw2": (18 * MB, 30 * MB),
    "heic": (1 * MB, 4 * MB),
    "psd": (150 * MB, 600 * MB),
    "mov": (20 * MB, 900 * MB),
    "png": (300 * KB, 3 * MB),
}
CAMERA_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
EVENT_KINDS = (
    "Wedding",
    "Portraits",
    "Landscape",
    "Family",
    "Concert",
    "Street",
    "Wildlife",
    "Travel",
    "Studio",
    "Football",
    "Birthday",
    "Architecture",
)
EVENT_PLACES = (
    "Smith",
    "Lake Tahoe",
    "Old Town",
    "Riverside",
    "Yosemite",
    "Harbour",
    "Garcia",
    "City Hall",
    "Botanical Garden",
    "Nguyen",
    "Coast",
    "Studio B",
)

# One file to create: (folder relative to photos/, name, size, mtime in seconds).
File = tuple[str, str, int, int]


@dataclass
class Camera:
    camera_id: str
    counter: int = 0


@dataclass
class Stats:
    files: int = 0
    folders: int = 0
    images: int = 0
    families: Counter[str] = field(default_factory=Counter)
    extensions: Counter[str] = field(default_factory=Counter)
    apparent_bytes: int = 0
    camera_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "folders": self.folders,
            "images": self.images,
            "families": dict(sorted(self.families.items())),
            "extensions": dict(sorted(self.extensions.items())),
            "apparent_bytes": self.apparent_bytes,
            "camera_ids": len(self.camera_ids),
        }


class Families:
    """Workflow names and their weights, drawn with one `rng.choices` call each."""

    def __init__(self, weighted: tuple[tuple[str, int], ...]) -> None:
        self.names = [name for name, _ in weighted]
        self.cum_weights = list(accumulate(weight for _, weight in weighted))

    def draw(self, rng: Random) -> str:
        return rng.choices(self.names, cum_weights=self.cum_weights)[0]


def midnight(day: date) -> int:
    """The start of `day` in UTC, in seconds since the epoch."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


class Shape(Protocol):
    stats: Stats

    def event(self, budget: int) -> list[File]: ...


class Shoot:
    """The seeded generator and the helpers every shape uses. Draws nothing until asked."""

    def __init__(self, seed: int, cameras: tuple[str, ...]) -> None:
        self.rng = Random(seed)
        self.used_ids: set[str] = set(cameras)
        self.cameras = [Camera(camera_id) for camera_id in cameras]
        self.stats = Stats(camera_ids=list(cameras))

    def new_camera_id(self) -> str:
        """A random 4-character ID no body of this collection has had yet."""
        while True:
            camera_id = "".join(self.rng.choices(CAMERA_ALPHABET, k=4))
            if camera_id not in self.used_ids and not camera_id.isdigit():
                self.used_ids.add(camera_id)
                self.stats.camera_ids.append(camera_id)
                return camera_id

    def size(self, kind: str) -> int:
        low, high = SIZES[kind]
        return self.rng.randint(low, high)


class GroupShoot(Shoot, ABC):
    """A shoot whose images are named by a body's group ID (camera ID + counter) and follow
    weighted workflows, one of them `invalid` (a badly named file): `default` and `selective`.

    A subclass sets `families` and says how a body numbers its frames, what a bad name looks
    like and which files each workflow leaves for a group.
    """

    families: Families

    def fill(
        self,
        files: list[File],
        target: int,
        shots: Iterator[tuple[Camera, int]],
        folder: str,
        second: str,
    ) -> list[File]:
        """`files` with images added until there are `target` files, the last image cut short.
        `shots` gives each image's body and time; `second` is the folder for later files
        (exports, selects), which may be `folder` itself."""
        while len(files) < target:
            camera, shot = next(shots)
            family = self.families.draw(self.rng)
            files.extend(self._image_files(family, camera, folder, second, shot))
        return files[:target]

    def _image_files(
        self, family: str, camera: Camera, folder: str, second: str, shot: int
    ) -> list[File]:
        self.stats.families[family] += 1
        if family == "invalid":
            return [self._invalid_file(camera, folder, shot)]
        return self._group_files(family, self._next_group(camera), folder, second, shot)

    @abstractmethod
    def _next_group(self, camera: Camera) -> str:
        """The next group ID of `camera`."""

    @abstractmethod
    def _invalid_file(self, camera: Camera, folder: str, shot: int) -> File:
        """A file whose name the grammar rejects."""

    @abstractmethod
    def _group_files(
        self, family: str, group: str, folder: str, second: str, shot: int
    ) -> list[File]:
        """The files that the workflow `family` leaves for the image group `group`."""
