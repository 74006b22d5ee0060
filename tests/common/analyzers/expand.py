"""Per-image views read back from Pipeline Validation's grouped issues (result schema 3).

Full names are rebuilt for the tests' own names only: a relative name (starting with `-` or
`.`) follows the image's name, with a `-N` separate-image marker moved before the extension.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shuttersense.common.name_runs import expand as expand_names
from shuttersense.common.results import PipelineValidationResult, Status

__all__ = ["ExpandedImage", "ExpandedMatch", "expand"]

_READY = (Status.CONSISTENT, Status.CONSISTENT_WITH_WARNING)


@dataclass
class ExpandedMatch:
    status: Status
    expected: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    completion: float = 100.0

    @property
    def archival_ready(self) -> bool:
        return self.status in _READY


@dataclass
class ExpandedImage:
    base_filename: str
    folder: str
    terminations: dict[str, ExpandedMatch]
    inconsistent_everywhere: bool = False  # no path of the pipeline applies at all

    @property
    def status(self) -> Status:
        if self.inconsistent_everywhere:
            return Status.INCONSISTENT
        return max((m.status for m in self.terminations.values()), key=lambda s: s.severity)

    @property
    def archival_ready(self) -> bool:
        return any(m.archival_ready for m in self.terminations.values())


def _full(image: str, name: str) -> str:
    if not name.startswith(("-", ".")):
        return name
    dash = image.rfind("-")
    if dash > 0 and image[dash + 1 :].isdigit():
        base, marker = image[:dash], image[dash:]
        dot = name.rfind(".")
        return base + name[:dot] + marker + name[dot:]
    return image + name


def expand(result: PipelineValidationResult) -> list[ExpandedImage]:
    """Every image the result names, with one match per termination type (CONSISTENT where the
    image's issue has no pattern for it), sorted by name. An image named in two issues is an
    error: schema 3 names each image once."""
    images: dict[tuple[str, str], ExpandedImage] = {}
    for issue in result.issues:
        assert issue.status == max((p.status for p in issue.patterns), key=lambda s: s.severity)
        for folder, names in issue.images.items():
            for name in expand_names(names):
                assert (name, folder) not in images, f"{folder}/{name} is in two issues"
                found = images[name, folder] = ExpandedImage(
                    name,
                    folder,
                    {t: ExpandedMatch(Status.CONSISTENT) for t in result.by_termination},
                )
                for pattern in issue.patterns:
                    if pattern.termination is None:
                        found.inconsistent_everywhere = True
                        continue
                    found.terminations[pattern.termination] = ExpandedMatch(
                        pattern.status,
                        sorted(_full(name, n) for n in pattern.expected),
                        sorted(_full(name, n) for n in pattern.missing),
                        sorted(_full(name, n) for n in pattern.extra),
                        pattern.completion,
                    )
    return [images[key] for key in sorted(images)]
