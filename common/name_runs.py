"""Runs of numbered names: `AB3D0001` to `AB3D0420` kept as one pair instead of 420 names.

A camera numbers its files, so the names of one finding in one folder are mostly consecutive.
A name's number is its last run of at least three digits (a separate image's `-2` is too short
to be one, and extensions have fewer); names that differ only by that number, one apart, with
the same number of digits, form a run. A run of three or more is kept as `[first, last]`, any
other name as itself. Nothing is lost: `expand` gives back every name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from operator import itemgetter

__all__ = ["MIN_RUN", "Names", "compact", "count_names", "expand"]

Names = list[str | tuple[str, str]]
"""Names in order, a `(first, last)` pair standing for the run between them."""

MIN_RUN = 3
_first = itemgetter(0)
# The last run of 3+ digits: the greedy head backs off from the end until one starts there.
_NUMBER = re.compile(r"(.*)(?<![0-9])([0-9]{3,})(?![0-9])(.*)", re.DOTALL)


def _split(name: str) -> tuple[str, str, str] | None:
    """(text before, digits, text after) of a name's number, or None."""
    found = _NUMBER.fullmatch(name)
    return None if found is None else (found[1], found[2], found[3])


def compact(names: Iterable[str]) -> Names:
    """`names` (distinct) with every run of `MIN_RUN` or more as a pair, ordered by each
    item's first name."""
    listed = list(names)
    items: list[tuple[str, str | tuple[str, str]]] = []
    numbered: dict[tuple[str, int, str], list[tuple[int, str]]] = {}
    for name, found in zip(listed, map(_NUMBER.fullmatch, listed), strict=True):
        if found is None:
            items.append((name, name))
            continue
        before, digits, after = found.groups()
        key = (before, len(digits), after)
        runs = numbered.get(key)
        if runs is None:
            numbered[key] = [(int(digits), name)]
        else:
            runs.append((int(digits), name))
    for entries in numbered.values():
        entries.sort()
        start = 0
        for end in range(1, len(entries) + 1):
            if end < len(entries) and entries[end][0] == entries[end - 1][0] + 1:
                continue
            if end - start >= MIN_RUN:
                first = entries[start][1]
                items.append((first, (first, entries[end - 1][1])))
            else:
                for _, name in entries[start:end]:
                    items.append((name, name))
            start = end
    items.sort(key=_first)  # names are distinct: the first name orders the items
    return [item for _, item in items]


def _bounds(item: tuple[str, str]) -> tuple[str, int, int, int, str]:
    """(text before, first number, last number, digits, text after) of a run."""
    head, tail = _split(item[0]), _split(item[1])
    if head is None or tail is None or (head[0], head[2]) != (tail[0], tail[2]):
        raise ValueError(f"{item[0]!r} to {item[1]!r} is not a run of numbered names")
    return head[0], int(head[1]), int(tail[1]), len(head[1]), head[2]


def expand(items: Names) -> Iterator[str]:
    """Every name `items` stands for, runs spelled out."""
    for item in items:
        if isinstance(item, str):
            yield item
            continue
        before, first, last, width, after = _bounds(item)
        yield from (f"{before}{n:0{width}d}{after}" for n in range(first, last + 1))


def count_names(items: Names) -> int:
    """How many names `items` stands for."""
    total = 0
    for item in items:
        if isinstance(item, str):
            total += 1
        else:
            _, first, last, _, _ = _bounds(item)
            total += last - first + 1
    return total
