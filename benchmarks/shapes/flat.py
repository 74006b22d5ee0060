"""The `flat` shape: the default workflows, dumped into folders of 50,000-100,000 files each.

Some photographers never sort: every card goes into one big folder per period
(`Card dumps/007 from 2016-02-11/`), JPG exports included. Images, names and proportions are
those of the `default` shape (benchmarks/shapes/default.py); only the folders differ.
"""

from __future__ import annotations

from datetime import timedelta

from .base import File, midnight
from .default import DefaultShoot

__all__ = ["FOLDER_FILES", "SHOOT_IMAGES", "FlatShoot"]

FOLDER_FILES = (50_000, 100_000)
# Images of one shooting day, from two of the bodies.
SHOOT_IMAGES = (100, 1500)


class FlatShoot(DefaultShoot):
    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.dumps = 0

    def event(self, budget: int) -> list[File]:
        """One big folder: many shooting days, never more than `budget` files."""
        rng = self.rng
        self.dumps += 1
        target = min(budget, rng.randint(*FOLDER_FILES))
        first = self.day + timedelta(days=1)
        folder = f"Card dumps/{self.dumps:03d} from {first:%Y-%m-%d}"
        created = midnight(first)
        files: list[File] = [(folder, ".DS_Store", rng.choice((6148, 8196, 10244)), created)]
        while len(files) < target:
            self.day += timedelta(days=rng.randint(1, 6))
            shot_time = midnight(self.day) + rng.randint(7 * 3600, 15 * 3600)
            primary, secondary = rng.sample(self.cameras, 2)
            for _ in range(rng.randint(*SHOOT_IMAGES)):
                if len(files) >= target:
                    break
                shot_time += rng.randint(1, 90)
                camera = primary if rng.random() < 0.85 else secondary
                family = self.families.draw(rng)
                files.extend(self._image_files(family, camera, folder, folder, shot_time))
        return files[:target]
