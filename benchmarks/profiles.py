"""The shapes of collection the benchmark generates, by name (`--profile NAME|all`).

Each profile is a shape (benchmarks/shapes/, whose module docstrings give every proportion) and
the pipeline its images follow. Shares are of files at 1,000,000 files unless said otherwise:

- `default` (pipeline.yaml: DxO, Topaz, creative edits, JPG exports, two archives): the
  original benchmark tree. Event folders of 200-2000 files, 3 bodies whose wraps get new IDs
  (names never repeat), 9 workflows: 80 % of images fully consistent, 20 % PARTIAL; 1 % orphans,
  0.5 % invalid names.
- `selective` (pipeline-selective.yaml: raw + XMP to the Black Box Archive, DxO DNG + edited TIF
  to the Browsable Archive): only the best shots are developed, so about 93 % of images are
  PARTIAL. About 20 % of files carry a `-2`/`-3` suffix; 40 bodies whose counters wrap (the same
  name in several folders); 1 % orphan CR3s, 1 % orphan XMPs, 0.5 % invalid names; 200-1000
  files per folder.
- `messy` (pipeline-messy.yaml: the default one plus NEF and ARW raws): cards, drives and phones
  merged. About 5 % invalid names (camera defaults, spaces, unicode, odd characters), about 3 %
  orphans of each kind, names reused across folders (wraps, numbering resets, copied folders),
  event folders 8-11 levels deep, about 5 % of files of types no tool counts.
- `flat` (pipeline.yaml): the default workflows dumped into folders of 50,000-100,000 files.

`version` is the profile's generator version: bump it whenever its tree changes, so that trees
made by an older generator are regenerated instead of reused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .shapes.base import Shape
from .shapes.default import DefaultShoot
from .shapes.flat import FlatShoot
from .shapes.messy import MessyShoot
from .shapes.selective import SelectiveShoot

__all__ = ["ALL", "DEFAULT_PROFILE", "PROFILES", "Profile", "select_profiles"]

HERE = Path(__file__).resolve().parent
ALL = "all"
DEFAULT_PROFILE = "default"


@dataclass(frozen=True)
class Profile:
    name: str
    version: int
    pipeline: Path
    shape: Callable[[int], Shape]


PROFILES: dict[str, Profile] = {
    profile.name: profile
    for profile in (
        Profile("default", 1, HERE / "pipeline.yaml", DefaultShoot),
        Profile("selective", 1, HERE / "pipeline-selective.yaml", SelectiveShoot),
        Profile("messy", 2, HERE / "pipeline-messy.yaml", MessyShoot),
        Profile("flat", 1, HERE / "pipeline.yaml", FlatShoot),
    )
}


def select_profiles(name: str) -> tuple[Profile, ...]:
    """The profile called `name`, or every profile for `all`; ValueError names the choices."""
    if name == ALL:
        return tuple(PROFILES.values())
    if name not in PROFILES:
        raise ValueError(f"unknown profile {name!r}; choose from {', '.join([*PROFILES, ALL])}")
    return (PROFILES[name],)
