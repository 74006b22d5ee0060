"""Pipeline Validation (analysis spec 6.5-6.8, D2, D3, D5, D11): does each image hold the files
its pipeline promises?

Each specific image (group, separate image) is compared with every non-truncated path, by
termination type. Paths are enumerated once; every expected name is `base + tail`, so an image
reduces to its "shape" (suffix, set of its files' tails) and the whole outcome, down to the
sorted name lists of the report, is memoised per shape. A million files have a handful of
shapes, so the work per image is a dict lookup and a few string concatenations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from itertools import repeat
from operator import attrgetter
from typing import Any, TypeVar

from pydantic import BaseModel

from ..files import FileEntry
from ..grammar import FilenameGrammar, ParsedName
from ..pipeline import (
    ImageOutcome,
    PathMatcher,
    Pipeline,
    PipelinePath,
    enumerate_paths,
)
from ..results import ImageValidation, PipelineValidationResult, Status, TerminationMatch
from .grouping import Grouping, SeparateImage

__all__ = ["validate_collection"]

Progress = Callable[[int, int], None]
Shape = tuple[str, frozenset[str]]
_M = TypeVar("_M", bound=BaseModel)
_FOLDED = (Status.CONSISTENT, Status.PARTIAL, Status.INCONSISTENT)
_SET_ATTR = object.__setattr__
_FIELD_SETS: dict[type[BaseModel], set[str]] = {}


def trusted(model: type[_M], values: dict[str, Any]) -> _M:
    """`model.model_construct(**values)` without its per-field bookkeeping (4x faster).

    Only for values built here with every field present and of the declared type; the tests
    check such models equal validated ones and dump the same JSON. Instances of a model share
    one fields-set: it already names every field, so pydantic's `add` on assignment is a no-op.
    """
    fields = _FIELD_SETS.get(model)
    if fields is None:
        fields = _FIELD_SETS[model] = set(model.model_fields)
    instance = model.__new__(model)
    _SET_ATTR(instance, "__dict__", values)
    _SET_ATTR(instance, "__pydantic_fields_set__", fields)
    _SET_ATTR(instance, "__pydantic_extra__", None)
    _SET_ATTR(instance, "__pydantic_private__", None)
    return instance


class _Owners:
    """Finds the image a metadata file belongs to: D11 full name, exact stem, then D2 parse."""

    def __init__(self, grouping: Grouping, grammar: FilenameGrammar) -> None:
        self.groups = grouping.groups
        self.grammar = grammar
        self.by_base = {
            group.base + ("-" + sep if sep else ""): image
            for group in self.groups.values()
            for sep, image in group.separate_images.items()
        }

    def _parsed(self, name: str) -> SeparateImage | None:
        parsed = self.grammar.parse(name)
        if not isinstance(parsed, ParsedName):
            return None
        group = self.groups.get(parsed.group_id)
        return None if group is None else group.separate_images.get(parsed.separate_id)

    def find(self, name: str, dot: int) -> tuple[SeparateImage, str] | None:
        """(image, name the file stands for), or None."""
        stem = name[:dot]
        if "." in stem:
            image = self._parsed(stem)
            if image is not None and any(p[p.rfind("/") + 1 :] == stem for p in image.files):
                return image, stem[: stem.rfind(".")] + name[dot:]
        # A stem equal to an image's base_filename parses to that very image, so the cheap
        # lookup goes first; the parse catches the rest (`AB3D0001-DxO.xmp`, D2).
        image = self.by_base.get(stem) or self._parsed(name)
        return None if image is None else (image, name)


def _attach(
    grouping: Grouping, grammar: FilenameGrammar
) -> tuple[dict[int, list[tuple[str, str]]], set[int]]:
    """id(image) -> [(name it stands for, path)] for every sidecar that has an image, and the
    ids of images holding a D11 sidecar (matched under a name that is not its own)."""
    attached: dict[int, list[tuple[str, str]]] = defaultdict(list)
    aliased: set[int] = set()
    if not grouping.sidecars or not grouping.groups:
        return attached, aliased
    owners = _Owners(grouping, grammar)
    names = [path[path.rfind("/") + 1 :] for path in grouping.sidecars]
    stems = [name[: name.rfind(".")] for name in names]
    # Most sidecars are named after their image's base: one dict lookup each, in bulk.
    direct = map(owners.by_base.get, stems)
    for path, name, stem, image in zip(grouping.sidecars, names, stems, direct, strict=True):
        if image is not None and "." not in stem:
            attached[id(image)].append((name, path))
            continue
        found = owners.find(name, len(stem))
        if found is not None:
            attached[id(found[0])].append((found[1], path))
            if found[1] != name:
                aliased.add(id(found[0]))
    return attached, aliased


def _report(
    base_filename: str,
    group_id: str,
    base: str,
    paths: list[str],
    outcome: ImageOutcome,
    shown: dict[str, list[str]] | None,
) -> ImageValidation:
    """The reported image. `shown` maps tails to real names where they differ (D11, strangers)."""
    terminations = {}
    for term, match in outcome.matches.items():
        if not match.extra:
            extra = []
        elif shown is None:
            extra = [base + tail for tail in match.extra]
        else:
            extra = sorted({n for t in match.extra for n in shown.get(t) or [base + t]})
        terminations[term] = trusted(
            TerminationMatch,
            {
                "status": match.status,
                "completion": match.completion,
                "archival_ready": match.ready,
                "expected": [base + tail for tail in match.expected],
                "missing": [base + tail for tail in match.missing] if match.missing else [],
                "extra": extra,
            },
        )
    return trusted(
        ImageValidation,
        {
            "base_filename": base_filename,
            "group_id": group_id,
            "status": outcome.status,
            "archival_ready": outcome.ready,
            "files": paths,
            "terminations": terminations,
        },
    )


def _shown(
    photos: list[str], metadata: list[tuple[str, str]] | None, base: str, base_lower: str
) -> dict[str, list[str]]:
    """Tail -> real names, for images whose names are not all `base + tail` (slow, rare)."""
    pairs = [(p[p.rfind("/") + 1 :],) * 2 for p in photos]
    pairs += [(name, path[path.rfind("/") + 1 :]) for name, path in metadata or ()]
    shown: dict[str, list[str]] = {}
    cut = len(base)
    for name, real in pairs:
        plain = name.startswith(base) or name[:cut].lower() == base_lower
        shown.setdefault(name[cut:] if plain else "\0" + name, []).append(real)
    return shown


def validate_collection(
    entries: Sequence[FileEntry],
    grouping: Grouping,
    pipeline: Pipeline,
    grammar: FilenameGrammar,
    paths: list[PipelinePath] | None = None,
    on_progress: Progress | None = None,
) -> PipelineValidationResult:
    """Validate every specific image of `grouping` against the pipeline's paths.

    With `config = derive_tool_config(pipeline)`, `grammar` must be
    `RegexGrammar(config.filename_regex, config.camera_id_group)` (D3) and `grouping` must come
    from `group_photos(entries, config.photo_extensions, grammar, config.metadata_extensions)`,
    so it carries the sidecars to attach;
    `paths` defaults to `enumerate_paths(pipeline)`.
    """
    judge = PathMatcher(enumerate_paths(pipeline) if paths is None else paths)
    attached, aliased = _attach(grouping, grammar)
    tally, reported = _judge_images(grouping, judge, attached, aliased, on_progress)
    return _result(pipeline, entries, grouping, judge, tally, reported)


def _judge_images(
    grouping: Grouping,
    judge: PathMatcher,
    attached: dict[int, list[tuple[str, str]]],
    aliased: set[int],
    on_progress: Progress | None,
) -> tuple[dict[Shape, int], list[ImageValidation]]:
    total = grouping.image_count
    step = max(1, -(-total // 100))  # about every 1 %
    tally: dict[Shape, int] = {}
    outcomes: dict[Shape, ImageOutcome] = {}
    reported: list[ImageValidation] = []
    done = 0
    for group in grouping.groups.values():
        base = group.base
        cut = len(base)
        base_lower = base.lower()
        for suffix, image in group.separate_images.items():
            names = [p[p.rfind("/") + 1 :] for p in image.files]
            metadata = attached.get(id(image))
            odd = False  # a D11 sidecar or a stranger: names are not all `base + tail`
            if metadata:
                names += [name for name, _ in metadata]
                odd = id(image) in aliased
            tails = {name[cut:] for name in names}
            if not all(map(str.startswith, names, repeat(base))):  # rare: compare carefully
                tails = set()
                for name in names:
                    if name.startswith(base) or name[:cut].lower() == base_lower:
                        tails.add(name[cut:])
                    else:  # never matches; kept so that it counts as an extra file
                        tails.add("\0" + name)
                        odd = True
            shape = (suffix, frozenset(tails))
            seen = tally.get(shape)
            if seen is None:
                outcomes[shape] = judge.outcome(shape)
                seen = 0
            tally[shape] = seen + 1
            outcome = outcomes[shape]
            if outcome.status is not Status.CONSISTENT:
                name = base + "-" + suffix if suffix else base
                shown = _shown(image.files, metadata, base, base_lower) if odd else None
                paths = sorted(image.files + [p for _, p in metadata]) if metadata else image.files
                reported.append(_report(name, group.group_id, base, paths, outcome, shown))
            done += 1
            if on_progress is not None and done % step == 0:
                on_progress(done, total)
    if on_progress is not None and done % step:
        on_progress(done, total)
    reported.sort(key=attrgetter("base_filename", "group_id"))
    return tally, reported


def _result(
    pipeline: Pipeline,
    entries: Sequence[FileEntry],
    grouping: Grouping,
    judge: PathMatcher,
    tally: dict[Shape, int],
    reported: list[ImageValidation],
) -> PipelineValidationResult:
    counts = dict.fromkeys(Status, 0)
    by_term = {term: dict.fromkeys(_FOLDED, 0) for term in judge.terms}
    followed: dict[tuple[str, ...], list[int]] = {}
    ready = 0
    for shape, images in tally.items():
        outcome = judge.outcome(shape)
        counts[outcome.status] += images
        ready += images if outcome.ready else 0
        for term, match in outcome.matches.items():
            by_term[term][match.status.folded] += images
        if outcome.followed is not None:
            index, ids = outcome.followed
            slot = followed.setdefault(ids, [index, 0])
            slot[0] = min(slot[0], index)
            slot[1] += images
    result: dict[str, Any] = {
        "pipeline_name": pipeline.name,
        "pipeline_guid": pipeline.guid,
        "pipeline_version": pipeline.version,
        "total_files": len(entries),
        "total_images": sum(tally.values()),
        "total_groups": len(grouping.groups),
        "invalid_files_count": len(grouping.invalid_files),
        "status_counts": {status.value.lower(): counts[status] for status in Status},
        "overall_status": {
            "CONSISTENT": counts[Status.CONSISTENT] + counts[Status.CONSISTENT_WITH_WARNING],
            "PARTIAL": counts[Status.PARTIAL],
            "INCONSISTENT": counts[Status.INCONSISTENT],
        },
        "by_termination": {
            term: {status.value: n for status, n in statuses.items()}
            for term, statuses in by_term.items()
        },
        "archival_ready_count": ready,
        "path_stats": [
            {"path": list(ids), "image_count": n}
            for ids, (_, n) in sorted(followed.items(), key=lambda item: item[1][0])
        ],
    }
    # Everything but the (already built) images goes through validation.
    validated = PipelineValidationResult.model_validate({**result, "images": []})
    return validated.model_copy(update={"images": reported})
