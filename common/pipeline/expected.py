"""Expected filenames for a path (analysis spec 6.4), and how an image's files compare (6.6-6.8).

The running name starts as the image base (`ParsedName.base`, e.g. `AB3D0001` or `IMG_0001`);
a Process step with a method appends `-method`; a File step emits the running name, then
`-suffix` for a separate image, then the extension verbatim. So the separate-image marker goes
after every method: `AB3D0001-DxO-2.DNG`.

Everything after the base depends only on the path and the suffix, so it is computed once as a
"tail" and each image's names are `base + tail`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter

from ..results import Status
from .paths import PipelinePath, is_truncated, path_termination

__all__ = [
    "FileTemplate",
    "ImageOutcome",
    "PathMatcher",
    "TerminationOutcome",
    "expected_filenames",
    "expected_tails",
    "match_status",
    "path_templates",
]

FileTemplate = tuple[str, str]
"""(methods so far, e.g. `-DxO`, extension as written, e.g. `.DNG`) for one File step."""


def path_templates(path: PipelinePath) -> tuple[FileTemplate, ...]:
    """The File steps of a path as templates, in path order, without repeats."""
    methods = ""
    templates: dict[FileTemplate, None] = {}
    for step in path:
        if step.type == "process" and step.method_id:
            methods += "-" + step.method_id
        elif step.type == "file" and step.extension:
            templates[(methods, step.extension)] = None
    return tuple(templates)


@lru_cache(maxsize=4096)
def expected_tails(templates: tuple[FileTemplate, ...], separate_id: str = "") -> tuple[str, ...]:
    """What follows the base in each expected name, de-duplicated and sorted."""
    marker = "-" + separate_id if separate_id else ""
    return tuple(sorted({methods + marker + ext for methods, ext in templates}))


def expected_filenames(path: PipelinePath, base: str, separate_id: str = "") -> list[str]:
    """The expected names of one image on one path, de-duplicated and sorted."""
    return [base + tail for tail in expected_tails(path_templates(path), separate_id)]


def match_status(actual: frozenset[str], expected: frozenset[str]) -> Status:
    """Spec 6.6 on lowercased names: equal, extras only, overlap, or nothing in common."""
    if not expected:
        return Status.INCONSISTENT
    matched = len(actual & expected)
    if matched == len(expected):
        return Status.CONSISTENT if matched == len(actual) else Status.CONSISTENT_WITH_WARNING
    return Status.PARTIAL if matched else Status.INCONSISTENT


@dataclass(frozen=True, slots=True)
class TerminationOutcome:
    """An image shape against the best path of one termination type; names are tails."""

    status: Status
    expected: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    completion: float
    path_index: int
    ready: bool


@dataclass(frozen=True, slots=True)
class ImageOutcome:
    """Every termination type for one shape; `followed` = (path index, node ids) for path_stats."""

    status: Status
    ready: bool
    matches: dict[str, TerminationOutcome]
    followed: tuple[int, tuple[str, ...]] | None


@dataclass(frozen=True, slots=True)
class _Candidate:
    index: int
    length: int
    node_ids: tuple[str, ...]
    templates: tuple[FileTemplate, ...]


class PathMatcher:
    """Compares image shapes with the non-truncated paths, by termination type (spec 6.6-6.8).

    A shape is (separate-image suffix, the original-case tails of the image's files); a tail
    starting with NUL marks a file not named after the base, which never matches. Outcomes are
    memoised per shape.
    """

    def __init__(self, paths: Sequence[PipelinePath]) -> None:
        by_term: dict[str, list[_Candidate]] = {}
        for index, path in enumerate(paths):
            if is_truncated(path):
                continue
            ids = tuple(step.node_id for step in path if step.node_id is not None)
            candidate = _Candidate(index, len(path), ids, path_templates(path))
            by_term.setdefault(path_termination(path), []).append(candidate)
        self.terms = {term: by_term[term] for term in sorted(by_term)}
        self._memo: dict[tuple[str, frozenset[str]], ImageOutcome] = {}

    def outcome(self, shape: tuple[str, frozenset[str]]) -> ImageOutcome:
        found = self._memo.get(shape)
        if found is None:
            found = self._memo[shape] = self._judge(*shape)
        return found

    def _judge(self, suffix: str, tails: frozenset[str]) -> ImageOutcome:
        actual = frozenset(t.lower() for t in tails)
        matches: dict[str, TerminationOutcome] = {}
        chosen: dict[str, frozenset[str]] = {}
        for term, candidates in self.terms.items():
            best_key: tuple[int, int, int, int] | None = None
            for candidate in candidates:
                wanted = expected_tails(candidate.templates, suffix)
                lower = frozenset(t.lower() for t in wanted)
                matched = len(actual & lower)
                status = match_status(actual, lower)
                missing = tuple(t for t in wanted if t.lower() not in actual)
                key = (-matched, candidate.length, status.severity, len(missing))
                if best_key is None or key < best_key:  # first path wins full ties
                    best_key = key
                    extra = tuple(sorted(t for t in tails if t.lower() not in lower))
                    completion = round(100 * matched / len(lower), 1) if lower else 0.0
                    ready = status in (Status.CONSISTENT, Status.CONSISTENT_WITH_WARNING)
                    matches[term] = TerminationOutcome(
                        status, wanted, missing, extra, completion, candidate.index, ready
                    )
                    chosen[term] = lower
        if not matches:
            return ImageOutcome(Status.INCONSISTENT, False, matches, None)
        status = max((m.status for m in matches.values()), key=attrgetter("severity"))
        ready = any(m.ready for m in matches.values())
        # path_stats (spec 6.8): least severe type, then most expected files; within it the
        # first path expecting the same files as the best one.
        term = min(matches, key=lambda t: (matches[t].status.severity, -len(chosen[t])))
        path = next(
            c
            for c in self.terms[term]
            if frozenset(t.lower() for t in expected_tails(c.templates, suffix)) == chosen[term]
        )
        return ImageOutcome(status, ready, matches, (path.index, path.node_ids))
