"""Pipeline Validation's findings: images filed under what is wrong with them.

For each termination type, images that expect the same files and miss (or add) the same ones
share one pattern, whose names are told relative to each image's own name; images with the same
pattern for every termination share one issue, and read their expected, missing and extra files
off it instead of carrying their own lists. A million images make a handful of issues, and each
image costs its name in one list.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import repeat
from operator import add, itemgetter

from ..catalog import append_each
from ..folders import folder_of
from ..name_runs import compact
from ..pipeline import ImageOutcome, TerminationOutcome
from ..results import Status, TerminationPattern, ValidationIssue

__all__ = [
    "NOTHING_APPLIES",
    "Bucket",
    "IssueKey",
    "Issues",
    "image_keys",
    "issue_keys",
    "real_names",
]


IssueKey = tuple[str | None, Status, tuple[str, ...], tuple[str, ...], tuple[str, ...], float]
"""(termination, status, expected, missing, extra, completion) of one termination pattern,
names relative to the image."""
NOTHING_APPLIES: IssueKey = (None, Status.INCONSISTENT, (), (), (), 0.0)
Bucket = defaultdict[str, list[str]]
"""The images of one issue: folder -> names."""
_head = itemgetter(0)


def _relative(tail: str, marker: str) -> str | None:
    """A name after the group's base, told relative to the image: the separate-image marker
    comes out from before the extension (`-DxO-2.DNG` -> `-DxO.DNG` for image `-2`). None for a
    name that does not follow that convention."""
    if not marker:
        return None if tail.startswith("\0") else tail
    dot = tail.rfind(".")
    head = tail if dot < 0 else tail[:dot]
    if not head.endswith(marker):
        return None
    return head[: len(head) - len(marker)] + tail[len(head) :]


def _key(term: str, match: TerminationOutcome, marker: str, extra: tuple[str, ...]) -> IssueKey:
    expected = tuple(sorted(_relative(t, marker) or t for t in match.expected))
    missing = tuple(sorted(_relative(t, marker) or t for t in match.missing))
    return (term, match.status, expected, missing, extra, match.completion)


def issue_keys(outcome: ImageOutcome, marker: str) -> list[IssueKey] | None:
    """What is wrong with one shape, per termination type where it is not plainly CONSISTENT;
    None when an extra file's name cannot be told relative to the image (see `image_keys`)."""
    if not outcome.matches:
        return [NOTHING_APPLIES]
    keys = []
    for term, match in outcome.matches.items():
        if match.status is Status.CONSISTENT:
            continue
        extra = [_relative(t, marker) for t in match.extra]
        if None in extra:
            return None
        keys.append(_key(term, match, marker, tuple(sorted(filter(None, extra)))))
    return keys


def image_keys(
    outcome: ImageOutcome, marker: str, base: str, real: dict[str, list[str]]
) -> list[IssueKey]:
    """`issue_keys` for one image whose extra files need their own names: each is told
    relative to the image where its real name follows the convention, else whole. `real` maps
    tails to the names of the files behind them where they differ (D11 sidecars, strangers)."""
    if not outcome.matches:
        return [NOTHING_APPLIES]
    keys = []
    for term, match in outcome.matches.items():
        if match.status is Status.CONSISTENT:
            continue
        extra: set[str] = set()
        for tail in match.extra:
            relative = _relative(tail, marker)
            for name in real.get(tail) or [base + tail]:
                extra.add(relative if relative is not None and name == base + tail else name)
        keys.append(_key(term, match, marker, tuple(sorted(extra))))
    return keys


def real_names(
    photos: list[str],
    sidecars: list[str] | None,
    aliases: list[tuple[str, str]] | None,
    base: str,
    base_lower: str,
) -> dict[str, list[str]]:
    """Tail -> real names, for images whose names are not all `base + tail` (slow, rare).
    `sidecars` are named as themselves, `aliases` are (name it stands for, real name)."""
    pairs = [(p[p.rfind("/") + 1 :],) * 2 for p in photos]
    pairs += [(name, name) for name in sidecars or ()]
    pairs += aliases or ()
    real: dict[str, list[str]] = {}
    cut = len(base)
    for name, shown in pairs:
        plain = name.startswith(base) or name[:cut].lower() == base_lower
        real.setdefault(name[cut:] if plain else "\0" + name, []).append(shown)
    return real


class Issues:
    """Images filed under what is wrong with them: the issue keys of every termination where an
    image is not plainly CONSISTENT, sorted by termination -> folder -> image names."""

    def __init__(self) -> None:
        self.found: dict[tuple[IssueKey, ...], Bucket] = {}

    def bucket(self, keys: list[IssueKey]) -> Bucket | None:
        """The one issue for images with these keys; None for none (CONSISTENT everywhere)."""
        if not keys:
            return None
        combination = tuple(sorted(keys, key=_termination))
        found = self.found.get(combination)
        if found is None:
            found = self.found[combination] = defaultdict(list)
        return found

    def add(self, bucket: Bucket, first_file: str, name: str) -> None:
        """File image `name` under `bucket`'s issue, in the folder of its first file."""
        bucket[folder_of(first_file)].append(name)

    def add_all(
        self, bucket: Bucket, first_files: list[str], bases: list[str], marker: str
    ) -> None:
        """`add` for many images at once, in C: image `base + marker` for each of `bases`, in
        the folder of the matching first file. The order of the names in a folder does not
        matter: they are compacted, which sorts them."""
        folders = map(_head, map(str.rpartition, first_files, repeat("/")))
        append_each(bucket, folders, map(add, bases, repeat(marker)) if marker else bases)

    def listed(self) -> list[ValidationIssue]:
        issues = [
            ValidationIssue(
                status=max((key[1] for key in keys), key=_severity),
                patterns=[_pattern(key) for key in keys],
                image_count=sum(map(len, images.values())),
                images={folder: compact(images[folder]) for folder in sorted(images)},
            )
            for keys, images in self.found.items()
        ]
        issues.sort(key=_rank)
        return issues


def _termination(key: IssueKey) -> str:
    return key[0] or ""


def _severity(status: Status) -> int:
    return status.severity


def _pattern(key: IssueKey) -> TerminationPattern:
    term, status, expected, missing, extra, completion = key
    return TerminationPattern(
        termination=term,
        status=status,
        expected=list(expected),
        missing=list(missing),
        extra=list(extra),
        completion=completion,
    )


def _rank(issue: ValidationIssue) -> tuple[int, list[tuple[str, list[str], list[str]]]]:
    """Most images first; ties by what the patterns say, so the order is stable."""
    told = [(p.termination or "", p.missing, p.extra) for p in issue.patterns]
    return -issue.image_count, told
