"""One classification pass over a listing, shared by PhotoStats and grouping.

Every file is filed under the suffix of its path as written (`.CR3`, `.xmp`, …): the text from
the last dot. The analyzers then work per suffix, a handful of buckets, instead of each slicing
a million paths again. The bulk steps are comprehensions and `map` calls rather than Python
statements per file, which is what keeps a million files cheap. Sans-I/O: it takes records.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from itertools import compress, repeat
from operator import itemgetter
from typing import TypeVar

from .files import FileEntry

K = TypeVar("K")
T = TypeVar("T")

__all__ = ["Catalog", "append_each", "extension_of_suffix"]


class _Numbering(dict[str, int]):
    """Suffix -> small int, numbered in first-seen order."""

    def __missing__(self, suffix: str) -> int:
        number = self[suffix] = len(self)
        return number


def append_each(buckets: Mapping[K, list[T]], keys: Iterable[K], items: Iterable[T]) -> None:
    """`buckets[key].append(item)` for each pair, run in C: for a million items. `buckets` must
    make a missing bucket itself (a defaultdict)."""
    # deque(maxlen=0) drains the map without keeping anything.
    deque(map(list.append, map(buckets.__getitem__, keys), items), maxlen=0)


def _file_by_code(codes: list[int], items: Iterable[T], names: list[str]) -> dict[str, list[T]]:
    buckets: defaultdict[int, list[T]] = defaultdict(list)
    append_each(buckets, codes, items)
    return {names[code]: bucket for code, bucket in buckets.items()}


def extension_of_suffix(suffix: str) -> str | None:
    """The lowercased extension a suffix stands for, or None when the basename has none.

    Such a suffix does not start with a dot (it is the name's last character) or it holds a `/`
    (the dot was in a folder name).
    """
    if not suffix.startswith(".") or "/" in suffix:
        return None
    return suffix.lower()


class Catalog:
    """The files of a listing filed by suffix, each bucket in listing order, with their stems.

    The stem of a file is its basename up to the last dot (meaningless for files without an
    extension, which no analyzer looks at).
    """

    def __init__(self, entries: Iterable[FileEntry]) -> None:
        self.entries: Sequence[FileEntry] = (
            entries if isinstance(entries, Sequence) else list(entries)
        )
        numbers = _Numbering()
        paths = list(map(itemgetter(0), self.entries))
        # The searches run as C-level maps, the slicing in comprehensions. A name without a dot
        # gives rfind -1, so its "suffix" is its last character.
        dots = list(map(str.rfind, paths, repeat(".")))
        slashes = map(str.rfind, paths, repeat("/"))
        suffixes = [p[d:] for p, d in zip(paths, dots, strict=True)]
        self._codes = list(map(numbers.__getitem__, suffixes))
        self._stems = [p[s + 1 : d] for p, s, d in zip(paths, slashes, dots, strict=True)]
        self._numbers = dict(numbers)
        names = list(numbers)
        self.by_suffix = _file_by_code(self._codes, self.entries, names)
        self.stems_by_suffix = _file_by_code(self._codes, self._stems, names)

    @classmethod
    def of(cls, files: Catalog | Iterable[FileEntry]) -> Catalog:
        """`files` itself when it is a Catalog already, else a new one."""
        return files if isinstance(files, Catalog) else cls(files)

    def suffixes(self, extensions: Collection[str]) -> list[str]:
        """The suffixes whose extension is one of `extensions` (lowercase, dot-prefixed)."""
        return [s for s in self.by_suffix if extension_of_suffix(s) in extensions]

    def select(self, suffixes: Collection[str]) -> list[FileEntry]:
        """The files with one of `suffixes`, in listing order."""
        return list(compress(self.entries, self._mask(suffixes)))

    def select_stems(self, suffixes: Collection[str]) -> list[str]:
        """The stems of `select(suffixes)`, in the same order."""
        return list(compress(self._stems, self._mask(suffixes)))

    def _mask(self, suffixes: Collection[str]) -> Iterator[bool]:
        wanted = {self._numbers[s] for s in suffixes if s in self._numbers}
        return map(wanted.__contains__, self._codes)
