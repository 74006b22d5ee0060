"""Per-image views read back from Pipeline Validation's grouped issues (result schema 2).

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
    image is not listed under it), sorted by name."""
    images: dict[tuple[str, str], ExpandedImage] = {}
    for issue in result.issues:
        for folder, names in issue.images.items():
            for name in expand_names(names):
                found = images.get((name, folder))
                if found is None:
                    found = images[name, folder] = ExpandedImage(
                        name,
                        folder,
                        {t: ExpandedMatch(Status.CONSISTENT) for t in result.by_termination},
                    )
                if issue.termination is None:
                    found.inconsistent_everywhere = True
                    continue
                found.terminations[issue.termination] = ExpandedMatch(
                    issue.status,
                    sorted(_full(name, n) for n in issue.expected),
                    sorted(_full(name, n) for n in issue.missing),
                    sorted(_full(name, n) for n in issue.extra),
                    issue.completion,
                )
    return [images[key] for key in sorted(images)]
