"""Pipeline Validation's findings: images filed under what is wrong with them.

For each termination type, images that expect the same files and miss (or add) the same ones
share one issue, whose names are told relative to each image's own name; an image reads its
expected, missing and extra files off its issue instead of carrying its own lists. A million
images make a handful of issues, and each image costs its name in one list.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import repeat
from operator import add, itemgetter

from ..catalog import append_each
from ..name_runs import Names, compact
from ..pipeline import ImageOutcome, TerminationOutcome
from ..results import Status, ValidationIssue

__all__ = ["NOTHING_APPLIES", "IssueKey", "Issues", "image_keys", "issue_keys", "real_names"]


IssueKey = tuple[str | None, Status, tuple[str, ...], tuple[str, ...], tuple[str, ...], float]
"""(termination, status, expected, missing, extra, completion), names relative to the image."""
NOTHING_APPLIES: IssueKey = (None, Status.INCONSISTENT, (), (), (), 0.0)
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
    """Images filed under what is wrong with them: issue key -> folder -> image names."""

    def __init__(self) -> None:
        self.found: dict[IssueKey, defaultdict[str, list[str]]] = {}

    def buckets(self, keys: list[IssueKey]) -> list[defaultdict[str, list[str]]]:
        found = self.found
        return [
            found[key] if key in found else found.setdefault(key, defaultdict(list)) for key in keys
        ]

    def add(self, buckets: list[defaultdict[str, list[str]]], first_file: str, name: str) -> None:
        """File image `name` under each bucket's issue, in the folder of its first file."""
        folder = first_file[: max(first_file.rfind("/"), 0)]
        for bucket in buckets:
            bucket[folder].append(name)

    def add_all(
        self,
        buckets: list[defaultdict[str, list[str]]],
        first_files: list[str],
        bases: list[str],
        marker: str,
    ) -> None:
        """`add` for many images at once, in C: image `base + marker` for each of `bases`, in
        the folder of the matching first file. The order of the names in a folder does not
        matter: they are compacted, which sorts them."""
        folders = list(map(_head, map(str.rpartition, first_files, repeat("/"))))
        names = list(map(add, bases, repeat(marker))) if marker else bases
        for bucket in buckets:
            append_each(bucket, folders, names)

    def listed(self) -> list[ValidationIssue]:
        issues = []
        # An image is filed under an issue per termination type, so the same names of a folder
        # often make several lists: each is compacted once.
        compacted: dict[tuple[str, ...], Names] = {}
        for (term, status, expected, missing, extra, completion), images in self.found.items():
            issues.append(
                ValidationIssue(
                    termination=term,
                    status=status,
                    expected=list(expected),
                    missing=list(missing),
                    extra=list(extra),
                    completion=completion,
                    image_count=sum(map(len, images.values())),
                    images={
                        folder: _compact(images[folder], compacted) for folder in sorted(images)
                    },
                )
            )
        issues.sort(key=lambda i: (-i.image_count, i.termination or "", i.missing, i.extra))
        return issues


def _compact(names: list[str], done: dict[tuple[str, ...], Names]) -> Names:
    key = tuple(names)
    found = done.get(key)
    if found is None:
        found = done[key] = compact(names)
    return found
