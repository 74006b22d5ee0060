"""Reading generated benchmark collections back from disk, for the tests that check their shape."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from shuttersense.common.cli.main import main as shuttersense

__all__ = ["Tree", "analyse", "listing"]


def listing(photos: Path) -> list[tuple[str, int, int]]:
    """Every file under `photos` as (relative path, size, mtime in ns), sorted."""
    found = []
    for folder, _subfolders, names in os.walk(photos):
        for name in names:
            info = os.lstat(os.path.join(folder, name))
            rel = os.path.relpath(os.path.join(folder, name), photos)
            found.append((rel, info.st_size, info.st_mtime_ns))
    return sorted(found)


@dataclass(frozen=True)
class Tree:
    """A generated collection: its folder (photos/ and pipeline.yaml inside) and its files."""

    root: Path
    paths: list[str]

    @classmethod
    def read(cls, root: Path) -> Tree:
        return cls(root, [rel for rel, _, _ in listing(root / "photos")])

    @property
    def names(self) -> list[str]:
        return [path.rsplit("/", 1)[-1] for path in self.paths]

    def share(self, count: int) -> float:
        return count / len(self.paths)


def analyse(tree: Tree, out: Path) -> dict:
    """The JSON document of the real `shuttersense analyze` on `tree` with its pipeline."""
    code = shuttersense(
        [
            *("analyze", str(tree.root / "photos"), "--quiet"),
            *("--pipeline", str(tree.root / "pipeline.yaml"), "--json", str(out)),
        ]
    )
    assert code == 0
    return json.loads(out.read_text(encoding="utf-8"))
