"""Pipeline Validation (analysis spec 6.5-6.8, D2, D3, D5, D11): does each image hold the files
its pipeline promises?

Each specific image (group, separate image) is compared with every non-truncated path, by
termination type. Paths are enumerated once; every expected name is `base + tail`, so an image
is reduced to its suffix and the set of its lowercased tails, and the whole outcome is memoised
on that shape: a collection of a million files has only a handful of shapes. Pydantic objects
are built only for the images reported (those not fully CONSISTENT).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from ..files import FileEntry
from ..grammar import FilenameGrammar, ParsedName
from ..pipeline import (
    FileTemplate,
    Pipeline,
    PipelinePath,
    PipelineToolConfig,
    enumerate_paths,
    expected_tails,
    is_truncated,
    path_templates,
    path_termination,
)
from ..results import (
    ImageValidation,
    PathStat,
    PipelineValidationResult,
    Status,
    TerminationMatch,
)
from .grouping import Grouping, SeparateImage

__all__ = ["validate_collection"]

Progress = Callable[[int, int], None]
_READY = frozenset({Status.CONSISTENT, Status.CONSISTENT_WITH_WARNING})
_FOLDED = (Status.CONSISTENT, Status.PARTIAL, Status.INCONSISTENT)


@dataclass(frozen=True, slots=True)
class _Path:
    index: int
    templates: tuple[FileTemplate, ...]
    length: int
    node_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Match:
    """The best path of one termination type for one image shape; names are tails."""

    status: Status
    expected: tuple[str, ...]
    missing: tuple[str, ...]
    extra: frozenset[str]
    completion: float
    lower: frozenset[str]
    path: _Path


@dataclass(frozen=True, slots=True)
class _Outcome:
    status: Status
    ready: bool
    matches: dict[str, _Match]
    followed: tuple[int, tuple[str, ...]] | None


def _status(actual: frozenset[str], expected: frozenset[str], matched: int) -> Status:
    if not expected:
        return Status.INCONSISTENT
    if matched == len(expected):
        return Status.CONSISTENT if matched == len(actual) else Status.CONSISTENT_WITH_WARNING
    return Status.PARTIAL if matched else Status.INCONSISTENT


class _Judge:
    """Paths by termination type, and memoised outcomes per (suffix, actual tails)."""

    def __init__(self, paths: Sequence[PipelinePath]) -> None:
        by_term: dict[str, list[_Path]] = {}
        for index, path in enumerate(paths):
            if is_truncated(path):
                continue
            ids = tuple(step.node_id for step in path if step.node_id is not None)
            info = _Path(index, path_templates(path), len(path), ids)
            by_term.setdefault(path_termination(path), []).append(info)
        self.terms = {term: by_term[term] for term in sorted(by_term)}
        self._candidates = cache(self._make_candidates)

    def _make_candidates(self, suffix: str) -> dict[str, list[tuple[_Path, tuple[str, ...]]]]:
        return {
            term: [(p, expected_tails(p.templates, suffix)) for p in paths]
            for term, paths in self.terms.items()
        }

    def outcome(self, suffix: str, actual: frozenset[str]) -> _Outcome:
        matches: dict[str, _Match] = {}
        for term, candidates in self._candidates(suffix).items():
            best: _Match | None = None
            best_key: tuple[int, int, int, int] | None = None
            for path, tails in candidates:
                lower = frozenset(t.lower() for t in tails)
                matched = len(actual & lower)
                status = _status(actual, lower, matched)
                missing = tuple(t for t in tails if t.lower() not in actual)
                key = (-matched, path.length, status.severity, len(missing))
                if best_key is None or key < best_key:
                    completion = round(100 * matched / len(lower), 1) if lower else 0.0
                    extra = actual - lower
                    best = _Match(status, tails, missing, extra, completion, lower, path)
                    best_key = key
            if best is not None:
                matches[term] = best
        if not matches:
            return _Outcome(Status.INCONSISTENT, False, matches, None)
        status = max((m.status for m in matches.values()), key=lambda s: s.severity)
        ready = any(m.status in _READY for m in matches.values())
        return _Outcome(status, ready, matches, self._followed(suffix, matches))

    def _followed(self, suffix: str, matches: dict[str, _Match]) -> tuple[int, tuple[str, ...]]:
        """The path an image followed, for path_stats (spec 6.8): first of equal expectations."""
        term, match = min(
            matches.items(), key=lambda item: (item[1].status.severity, -len(item[1].lower))
        )
        candidates = self._candidates(suffix)[term]
        chosen = candidates[0][0]
        if len(candidates) > 1:
            for path, tails in candidates:
                if frozenset(t.lower() for t in tails) == match.lower:
                    chosen = path
                    break
        return chosen.index, chosen.node_ids


class _Metadata:
    """Attaches metadata files to specific images: D11 full name, then D2 parse, then stem."""

    def __init__(self, grouping: Grouping, grammar: FilenameGrammar) -> None:
        self.groups = grouping.groups
        self.grammar = grammar
        self._by_base: dict[str, SeparateImage] | None = None

    def _image(self, name: str) -> SeparateImage | None:
        parsed = self.grammar.parse(name)
        if not isinstance(parsed, ParsedName):
            return None
        group = self.groups.get(parsed.group_id)
        return None if group is None else group.separate_images.get(parsed.separate_id)

    def _by_stem(self, stem: str) -> SeparateImage | None:
        if self._by_base is None:
            self._by_base = {
                group.base + ("-" + sep if sep else ""): image
                for group in self.groups.values()
                for sep, image in group.separate_images.items()
            }
        return self._by_base.get(stem)

    def owner(self, name: str, dot: int) -> tuple[SeparateImage, str] | None:
        """The image a metadata file belongs to and the name it stands for, or None."""
        stem = name[:dot]
        if "." in stem:
            image = self._image(stem)
            if image is not None and any(p[p.rfind("/") + 1 :] == stem for p in image.files):
                return image, stem[: stem.rfind(".")] + name[dot:]
        image = self._image(name) or self._by_stem(stem)
        return None if image is None else (image, name)


def _attach(
    entries: Sequence[FileEntry],
    grouping: Grouping,
    config: PipelineToolConfig,
    grammar: FilenameGrammar,
) -> dict[int, list[tuple[str, str]]]:
    """id(image) -> [(name it stands for, path)] for every metadata file that has an image."""
    extensions = frozenset(e.lower() for e in config.metadata_extensions)
    lengths = sorted({len(e) for e in extensions})
    attached: dict[int, list[tuple[str, str]]] = {}
    if not extensions or not grouping.groups:
        return attached
    owners = _Metadata(grouping, grammar)
    for entry in entries:
        path = entry.path
        for size in lengths:  # cheap pre-filter on the raw path; most files are not sidecars
            if path[-size:].lower() in extensions:
                break
        else:
            continue
        name = path[path.rfind("/") + 1 :]
        found = owners.owner(name, name.rfind("."))
        if found is not None:
            attached.setdefault(id(found[0]), []).append((found[1], path))
    return attached


def _report(
    base_filename: str,
    group_id: str,
    base: str,
    files: list[tuple[str, str]],
    outcome: _Outcome,
) -> ImageValidation:
    """The reported form of one image; `files` are (name it stands for, path)."""
    base_lower = base.lower()
    shown = [
        (
            path[path.rfind("/") + 1 :],
            name.lower()[len(base_lower) :] if name.lower().startswith(base_lower) else None,
        )
        for name, path in files
    ]
    terminations = {}
    for term, match in outcome.matches.items():
        extra = sorted({name for name, tail in shown if tail is None or tail in match.extra})
        terminations[term] = TerminationMatch.model_construct(
            status=match.status,
            expected=[base + tail for tail in match.expected],
            missing=[base + tail for tail in match.missing],
            extra=extra,
            completion=match.completion,
            archival_ready=match.status in _READY,
        )
    return ImageValidation.model_construct(
        base_filename=base_filename,
        group_id=group_id,
        status=outcome.status,
        archival_ready=outcome.ready,
        files=sorted(path for _, path in files),
        terminations=terminations,
    )


def validate_collection(
    entries: Sequence[FileEntry],
    grouping: Grouping,
    pipeline: Pipeline,
    tool_config: PipelineToolConfig,
    grammar: FilenameGrammar,
    paths: list[PipelinePath] | None = None,
    on_progress: Progress | None = None,
) -> PipelineValidationResult:
    """Validate every specific image of `grouping` against the pipeline's paths.

    `grouping` must come from `group_photos(entries, tool_config.photo_extensions, grammar)` with
    `grammar = RegexGrammar(tool_config.filename_regex, tool_config.camera_id_group)` (D3);
    `paths` defaults to `enumerate_paths(pipeline)`.
    """
    judge = _Judge(enumerate_paths(pipeline) if paths is None else paths)
    attached = _attach(entries, grouping, tool_config, grammar)
    total = grouping.image_count
    step = max(1, total // 100)
    tally: dict[tuple[str, frozenset[str]], int] = {}
    outcomes: dict[tuple[str, frozenset[str]], _Outcome] = {}
    reported: list[ImageValidation] = []
    done = 0
    for group in grouping.groups.values():
        base = group.base
        base_lower = base.lower()
        cut = len(base_lower)
        for suffix, image in group.separate_images.items():
            files = [(p[p.rfind("/") + 1 :], p) for p in image.files]
            metadata = attached.get(id(image))
            if metadata:
                files += metadata
            tails: set[str] = set()
            strangers: set[str] = set()
            for name, _ in files:
                lower = name.lower()
                if lower.startswith(base_lower):
                    tails.add(lower[cut:])
                else:
                    strangers.add(lower)
            # Names not starting with the base never match; only how many there are matters.
            tails.update(f"\0{i}" for i in range(len(strangers)))
            key = (suffix, frozenset(tails))
            outcome = outcomes.get(key)
            if outcome is None:
                outcome = outcomes[key] = judge.outcome(*key)
                tally[key] = 0
            tally[key] += 1
            if outcome.status is not Status.CONSISTENT:
                name = base + "-" + suffix if suffix else base
                reported.append(_report(name, group.group_id, base, files, outcome))
            done += 1
            if on_progress is not None and done % step == 0:
                on_progress(done, total)
    if on_progress is not None and done % step:
        on_progress(done, total)
    reported.sort(key=lambda image: (image.base_filename, image.group_id))
    return _result(pipeline, entries, grouping, judge, tally, outcomes, reported)


def _result(
    pipeline: Pipeline,
    entries: Sequence[FileEntry],
    grouping: Grouping,
    judge: _Judge,
    tally: dict[tuple[str, frozenset[str]], int],
    outcomes: dict[tuple[str, frozenset[str]], _Outcome],
    reported: list[ImageValidation],
) -> PipelineValidationResult:
    counts = dict.fromkeys(Status, 0)
    by_term = {term: dict.fromkeys(_FOLDED, 0) for term in judge.terms}
    followed: dict[tuple[str, ...], list[int]] = {}
    ready = 0
    for key, images in tally.items():
        outcome = outcomes[key]
        counts[outcome.status] += images
        ready += images if outcome.ready else 0
        for term, match in outcome.matches.items():
            by_term[term][match.status.folded] += images
        if outcome.followed is not None:
            index, ids = outcome.followed
            slot = followed.setdefault(ids, [index, 0])
            slot[0] = min(slot[0], index)
            slot[1] += images
    return PipelineValidationResult(
        pipeline_name=pipeline.name,
        pipeline_guid=pipeline.guid,
        pipeline_version=pipeline.version,
        total_files=len(entries),
        total_images=sum(tally.values()),
        total_groups=len(grouping.groups),
        invalid_files_count=len(grouping.invalid_files),
        status_counts={status.value.lower(): counts[status] for status in Status},
        overall_status={
            Status.CONSISTENT.value: counts[Status.CONSISTENT]
            + counts[Status.CONSISTENT_WITH_WARNING],
            Status.PARTIAL.value: counts[Status.PARTIAL],
            Status.INCONSISTENT.value: counts[Status.INCONSISTENT],
        },
        by_termination={
            term: {status.value: n for status, n in statuses.items()}
            for term, statuses in by_term.items()
        },
        archival_ready_count=ready,
        path_stats=[
            PathStat(path=list(ids), image_count=n)
            for ids, (_, n) in sorted(followed.items(), key=lambda item: item[1][0])
        ],
        images=reported,
    )
