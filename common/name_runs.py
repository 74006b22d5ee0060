"""Runs of numbered names: `AB3D0001` to `AB3D0420` kept as one pair instead of 420 names.

A camera numbers its files, so the names of one finding in one folder are mostly consecutive.
A name's number is the last run of at least three digits before its extension (a separate
image's `-2` is too short to be one); names that differ only by that number, one apart, with
the same number of digits, form a run. A run of three or more is kept as `[first, last]`, any
other name as itself. Nothing is lost: `expand` gives back every name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

__all__ = ["MIN_RUN", "Names", "compact", "count_names", "expand"]

Names = list[str | tuple[str, str]]
"""Names in order, a `(first, last)` pair standing for the run between them."""

MIN_RUN = 3
_NUMBER = re.compile(r"(\d{3,})(?!.*\d{3})", re.DOTALL)  # the last run of 3+ digits


def _split(name: str) -> tuple[str, str, str] | None:
    """(text before, digits, text after) of a name's number, or None."""
    dot = name.rfind(".")
    stem = name if dot < 0 else name[:dot]
    found = _NUMBER.search(stem)
    if found is None:
        return None
    return name[: found.start()], found.group(1), name[found.end() :]


def compact(names: Iterable[str]) -> Names:
    """`names` (distinct) with every run of `MIN_RUN` or more as a pair, ordered by each
    item's first name."""
    alone: list[str] = []
    numbered: dict[tuple[str, int, str], list[int]] = {}
    for name in names:
        parts = _split(name)
        if parts is None:
            alone.append(name)
        else:
            before, digits, after = parts
            numbered.setdefault((before, len(digits), after), []).append(int(digits))
    items: list[tuple[str, str | tuple[str, str]]] = [(name, name) for name in alone]
    for (before, width, after), numbers in numbered.items():
        numbers.sort()
        start = 0
        for end in range(1, len(numbers) + 1):
            if end < len(numbers) and numbers[end] == numbers[end - 1] + 1:
                continue
            run = [f"{before}{n:0{width}d}{after}" for n in (numbers[start], numbers[end - 1])]
            if end - start >= MIN_RUN:
                items.append((run[0], (run[0], run[1])))
            else:
                items += ((name, name) for name in _names(before, width, after, numbers[start:end]))
            start = end
    items.sort(key=lambda item: item[0])
    return [item for _, item in items]


def _names(before: str, width: int, after: str, numbers: list[int]) -> Iterator[str]:
    return (f"{before}{n:0{width}d}{after}" for n in numbers)


def expand(items: Names) -> Iterator[str]:
    """Every name `items` stands for, runs spelled out."""
    for item in items:
        if isinstance(item, str):
            yield item
            continue
        first, last = item
        head = _split(first)
        tail = _split(last)
        if head is None or tail is None:
            raise ValueError(f"{first!r} to {last!r} is not a run of numbered names")
        before, digits, after = head
        yield from _names(before, len(digits), after, list(range(int(digits), int(tail[1]) + 1)))


def count_names(items: Names) -> int:
    """How many names `items` stands for."""
    total = 0
    for item in items:
        if isinstance(item, str):
            total += 1
        else:
            head, tail = _split(item[0]), _split(item[1])
            total += 1 if head is None or tail is None else int(tail[1]) - int(head[1]) + 1
    return total
