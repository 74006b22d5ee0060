"""Pipeline Validation (analysis spec 6.5-6.8, D2, D3, D5, D11): does each image hold the files
its pipeline promises?

Each specific image (group, separate image) is compared with every non-truncated path, by
termination type. Paths are enumerated once; every expected name is `base + tail`, so an image
reduces to its "shape" (suffix, set of its files' tails) and its outcome, down to the issue it
is filed under (validation_issues.py), is memoised per shape. A million files have a handful of
shapes, so the work per image is a dict lookup, its name and one append to its issue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from itertools import compress, repeat
from operator import contains, gt, is_not, not_
from typing import Any

from ..catalog import append_each
from ..files import FileEntry
from ..grammar import FilenameGrammar, ParsedName
from ..pipeline import PathMatcher, Pipeline, PipelinePath, enumerate_paths
from ..results import PipelineValidationResult, Status, ValidationIssue
from .grouping import Grouping, SeparateImage
from .validation_issues import Issues, image_keys, issue_keys, real_names

__all__ = ["validate_collection"]

Progress = Callable[[int, int], None]
Shape = tuple[str, frozenset[str]]
_FOLDED = (Status.CONSISTENT, Status.PARTIAL, Status.INCONSISTENT)


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


Attached = dict[int, list[str]]
Aliased = dict[int, list[tuple[str, str]]]


def _attach(grouping: Grouping, grammar: FilenameGrammar) -> tuple[Attached, Aliased]:
    """id(image) -> [name] of every sidecar that has an image and stands for its own name, and
    id(image) -> [(name it stands for, its own name)] of the D11 sidecars, matched under a name
    that is not their own (`X.CR3.xmp` stands for `X.xmp`)."""
    attached: defaultdict[int, list[str]] = defaultdict(list)
    aliased: defaultdict[int, list[tuple[str, str]]] = defaultdict(list)
    if not grouping.sidecars or not grouping.groups:
        return attached, aliased
    owners = _Owners(grouping, grammar)
    names = [path[path.rfind("/") + 1 :] for path in grouping.sidecars]
    stems = [name[: name.rfind(".")] for name in names]
    # Most sidecars are named after their image's base: found and filed in bulk, in C. Such a
    # sidecar has an image (`is_not None` is True) and no dot in its stem (`contains` is False),
    # so True > False. The order of an image's sidecars does not matter.
    direct = list(map(owners.by_base.get, stems))
    plain = list(map(gt, map(is_not, direct, repeat(None)), map(contains, stems, repeat("."))))
    append_each(attached, map(id, compress(direct, plain)), compress(names, plain))
    others = list(map(not_, plain))
    for name, stem in zip(compress(names, others), compress(stems, others), strict=True):
        found = owners.find(name, len(stem))
        if found is None:
            continue
        image, stands_for = found
        if stands_for == name:
            attached[id(image)].append(name)
        else:
            aliased[id(image)].append((stands_for, name))
    return attached, aliased


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
    tally, issues = _judge_images(grouping, judge, attached, aliased, on_progress)
    return _result(pipeline, entries, grouping, judge, tally, issues)


def _judge_images(
    grouping: Grouping,
    judge: PathMatcher,
    attached: Attached,
    aliased: Aliased,
    on_progress: Progress | None,
) -> tuple[dict[Shape, int], list[ValidationIssue]]:
    total = grouping.image_count
    step = max(1, -(-total // 100))  # about every 1 %
    # shape -> [images, whether each image needs its own keys, its issue's bucket (None when
    # CONSISTENT everywhere), first files, bases]: one lookup per image. The images of a shape
    # are filed under its issue in bulk at the end, from their first files (their folders) and
    # bases (their names).
    seen: dict[Shape, list[Any]] = {}
    issues = Issues()
    done = 0
    for group in grouping.groups.values():
        base = group.base
        cut = len(base)
        for suffix, image in group.separate_images.items():
            names = [p[p.rfind("/") + 1 :] for p in image.files]
            key = id(image)
            metadata = attached.get(key)
            if metadata:
                names += metadata
            # A D11 sidecar or a stranger: names are not all `base + tail`.
            aliases = aliased.get(key) if aliased else None
            odd = aliases is not None
            if odd:
                names += [name for name, _ in aliases]
            if all(map(str.startswith, names, repeat(base))):
                tails = frozenset([name[cut:] for name in names])
            else:  # rare: compare carefully
                tails, stranger = _careful_tails(names, base)
                odd = odd or stranger
            shape = (suffix, tails)
            slot = seen.get(shape)
            if slot is None:
                keys = issue_keys(judge.outcome(shape), _marker(suffix))
                bucket = None if keys is None else issues.bucket(keys)
                slot = seen[shape] = [0, keys is None, bucket, [], []]
            slot[0] += 1
            bucket = slot[2]
            if slot[1] or (odd and bucket is not None):
                # Extra files whose names this image alone can tell (rare).
                marker = _marker(suffix)
                real = real_names(image.files, metadata, aliases, base, base.lower()) if odd else {}
                own = issues.bucket(image_keys(judge.outcome(shape), marker, base, real))
                if own is not None:
                    issues.add(own, image.files[0], base + marker)
            elif bucket is not None:
                slot[3].append(image.files[0])
                slot[4].append(base)
            done += 1
            if on_progress is not None and done % step == 0:
                on_progress(done, total)
    if on_progress is not None and done % step:
        on_progress(done, total)
    for (suffix, _), (_, _, bucket, first_files, bases) in seen.items():
        if first_files:
            issues.add_all(bucket, first_files, bases, _marker(suffix))
    tally = {shape: images for shape, (images, *_) in seen.items()}
    return tally, issues.listed()


def _marker(suffix: str) -> str:
    """What a separate image's name adds to its group's base: `-2` for image `2`."""
    return "-" + suffix if suffix else ""


def _careful_tails(names: list[str], base: str) -> tuple[frozenset[str], bool]:
    """The tails of names that do not all start with `base` as written: a name that starts
    with it in another case has a tail too; any other is a stranger, kept under a tail that
    never matches so that it counts as an extra file. Also says whether there was one."""
    cut = len(base)
    base_lower = base.lower()
    tails = set()
    stranger = False
    for name in names:
        if name.startswith(base) or name[:cut].lower() == base_lower:
            tails.add(name[cut:])
        else:
            tails.add("\0" + name)
            stranger = True
    return frozenset(tails), stranger


def _result(
    pipeline: Pipeline,
    entries: Sequence[FileEntry],
    grouping: Grouping,
    judge: PathMatcher,
    tally: dict[Shape, int],
    issues: list[ValidationIssue],
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
            {
                "path": list(ids),
                "names": [pipeline.nodes[i].name if i in pipeline.nodes else i for i in ids],
                "image_count": n,
            }
            for ids, (_, n) in sorted(followed.items(), key=lambda item: item[1][0])
        ],
    }
    # Everything but the (already built) issues goes through validation.
    validated = PipelineValidationResult.model_validate({**result, "issues": []})
    return validated.model_copy(update={"issues": issues})
