"""Filename grammar: from a basename to camera ID, counter and properties (analysis spec 2).

Two grammars share one result type. The legacy grammar is `{CAMERA_ID}{COUNTER}[-{PROPERTY}]*.{ext}`
with the reference's six reasons plus our strict extension rule (D4). The pipeline grammar applies
a Capture node's regex to the stem (start-anchored); what follows the match must be `-`-separated
properties, checked with the same rules as the legacy grammar, so both modes explain a bad name
the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, Protocol

__all__ = [
    "FilenameGrammar",
    "InvalidName",
    "LegacyGrammar",
    "ParsedName",
    "Reason",
    "RegexGrammar",
    "WholeMatch",
    "split_properties",
]


class Reason:
    """The reasons a name is rejected, as shown to users."""

    NO_EXTENSION = "Filename has no extension"
    BAD_EXTENSION = "Extension must contain only letters and digits"
    TOO_SHORT = "Filename too short - camera ID must be 4 characters"
    CAMERA_LOWERCASE = "Camera ID must be uppercase alphanumeric [A-Z0-9]"
    CAMERA_CHARS = "Camera ID must be exactly 4 uppercase alphanumeric characters"
    COUNTER_DIGITS = "Counter must be 4 digits"
    COUNTER_ZERO = "Counter cannot be 0000 - must be 0001-9999"
    EMPTY_PROPERTY = "Empty property name detected"
    PROPERTY_CHARS = "Invalid characters in property name"
    NO_PATTERN_MATCH = "Filename does not match the pipeline's filename pattern"
    PROPERTY_SEPARATOR = "Properties after the counter must start with '-'"


class ParsedName(NamedTuple):
    """A name that follows the grammar.

    `base` is the text the grammar matched before any property (the running name that expected
    filenames are built from); `separate_id` is the first all-digit property or `""`; `methods`
    are every other property, in the order they appear.
    """

    camera_id: str
    counter: str
    base: str
    separate_id: str
    methods: tuple[str, ...]

    @property
    def group_id(self) -> str:
        return self.camera_id + self.counter


@dataclass(frozen=True, slots=True)
class InvalidName:
    """A name that does not follow the grammar, with the first reason that applies."""

    reason: str


@dataclass(frozen=True, slots=True)
class WholeMatch:
    """A grammar's common case as one regex over the whole stem, for callers that parse a
    million names in their own loop. `fullmatch(stem)` yields camera ID, counter and the `-prop`
    remainder in `groups`; when it fails, a group is empty or the counter is
    `forbidden_counter`, the stem needs the grammar's `parse_stem` (which also says why a name
    is invalid). `split_properties(remainder)` gives (separate_id, methods)."""

    fullmatch: Callable[[str], re.Match[str] | None]
    groups: tuple[int, int, int]
    forbidden_counter: str | None


class FilenameGrammar(Protocol):
    """Parses names into a ParsedName or an InvalidName."""

    @property
    def whole_match(self) -> WholeMatch | None:
        """The fast path, when the grammar has one."""
        ...

    def parse(self, name: str) -> ParsedName | InvalidName:
        """Parse a basename, extension included (D4: it must have a valid one)."""
        ...

    def parse_stem(self, stem: str) -> ParsedName | InvalidName:
        """Parse a name without its extension; the caller has checked the extension."""
        ...


_PROPERTIES = re.compile(r"(?:-[A-Za-z0-9 _]+)*")
_LEGACY = re.compile(r"([A-Z0-9]{4})([0-9]{4})((?:-[A-Za-z0-9 _]+)*)")
_CAMERA = re.compile(r"[A-Z0-9]{4}")

_new_parsed = tuple.__new__  # ParsedName(...) without the Python-level __new__, for speed
# Shared instances: most rejected names fail for one of a few reasons.
_NO_EXTENSION = InvalidName(Reason.NO_EXTENSION)
_BAD_EXTENSION = InvalidName(Reason.BAD_EXTENSION)
_NO_PATTERN_MATCH = InvalidName(Reason.NO_PATTERN_MATCH)
_PROPERTY_SEPARATOR = InvalidName(Reason.PROPERTY_SEPARATOR)


def _stem_or_invalid(name: str) -> str | InvalidName:
    """The stem, or why the extension is unacceptable (D4: present, ASCII letters/digits only)."""
    dot = name.rfind(".")
    if dot < 0:
        return _NO_EXTENSION
    ext = name[dot + 1 :]
    if not (ext.isascii() and ext.isalnum()):
        return _BAD_EXTENSION
    return name[:dot]


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


@lru_cache(maxsize=4096)
def split_properties(remainder: str) -> tuple[str, tuple[str, ...]]:
    """(separate_id, methods) of a valid `-prop-prop` remainder; a collection has few distinct
    remainders (`-DxO`, `-2`, …), hence the cache."""
    if not remainder:
        return "", ()
    separate_id = ""
    methods: list[str] = []
    for prop in remainder[1:].split("-"):
        if not separate_id and _is_number(prop):
            separate_id = prop
        else:
            methods.append(prop)
    return separate_id, tuple(methods)


def _parsed(camera_id: str, counter: str, base: str, remainder: str) -> ParsedName:
    """Build the result from a valid `-prop-prop` remainder (possibly empty)."""
    return _new_parsed(ParsedName, (camera_id, counter, base, *split_properties(remainder)))


def _properties_reason(remainder: str) -> str:
    """Why a remainder that is not a `-prop-prop` sequence is invalid."""
    if "--" in remainder or remainder.endswith("-"):
        return Reason.EMPTY_PROPERTY
    return Reason.PROPERTY_CHARS


class _Grammar:
    """What both grammars share: a whole-stem regex (camera, counter, `-props` remainder) tried
    first, and a slower path that explains why a stem does not fit."""

    _whole: re.Pattern[str] | None
    _groups: tuple[int, int, int]
    _forbidden_counter: str | None = None

    @property
    def whole_match(self) -> WholeMatch | None:
        if self._whole is None:
            return None
        return WholeMatch(self._whole.fullmatch, self._groups, self._forbidden_counter)

    def parse(self, name: str) -> ParsedName | InvalidName:
        stem = _stem_or_invalid(name)
        if isinstance(stem, InvalidName):
            return stem
        return self.parse_stem(stem)

    def parse_stem(self, stem: str) -> ParsedName | InvalidName:
        match = self._whole.fullmatch(stem) if self._whole is not None else None
        if match is not None:
            camera_id, counter, remainder = match.group(*self._groups)
            if camera_id and counter and counter != self._forbidden_counter:
                return _parsed(camera_id, counter, stem[: len(stem) - len(remainder)], remainder)
        return self._slow_parse(stem)

    def _slow_parse(self, stem: str) -> ParsedName | InvalidName:
        raise NotImplementedError


class LegacyGrammar(_Grammar):
    """`{CAMERA_ID}{COUNTER}[-{PROPERTY}]*.{ext}`: 4 uppercase alphanumerics, 4 digits 0001-9999."""

    _whole = _LEGACY
    _groups = (1, 2, 3)
    _forbidden_counter = "0000"

    def _slow_parse(self, stem: str) -> InvalidName:
        return InvalidName(self._reason(stem))

    @staticmethod
    def _reason(stem: str) -> str:
        if len(stem) < 4:
            return Reason.TOO_SHORT
        if _CAMERA.fullmatch(stem[:4]) is None:
            if any(ch.islower() for ch in stem[:4]):
                return Reason.CAMERA_LOWERCASE
            return Reason.CAMERA_CHARS
        counter = stem[4:8]
        if len(counter) < 4 or not _is_number(counter):
            return Reason.COUNTER_DIGITS
        if counter == "0000":
            return Reason.COUNTER_ZERO
        return _properties_reason(stem[8:])


class RegexGrammar(_Grammar):
    """A Capture node's `filename_regex`, matched at the start of the stem (analysis spec 2.2).

    `camera_id_group` (1 or 2) names the group holding the camera ID; the other of the first two
    groups is the counter. A counter of `0000` is accepted: the user's pattern is the contract.
    """

    def __init__(self, pattern: str, camera_id_group: int = 1) -> None:
        self.regex = re.compile(pattern)
        if self.regex.groups < 2:
            raise ValueError(f"filename regex {pattern!r} needs 2 capture groups")
        self.camera_id_group = camera_id_group if camera_id_group in (1, 2) else 1
        self._groups = (self.camera_id_group, 3 - self.camera_id_group, self.regex.groups + 1)
        self._whole = _whole_stem_pattern(pattern, self.regex.flags)

    def _slow_parse(self, stem: str) -> ParsedName | InvalidName:
        match = self.regex.match(stem)
        if match is None:
            return _NO_PATTERN_MATCH
        camera_id, counter = match.group(*self._groups[:2])
        if not camera_id or not counter:
            return _NO_PATTERN_MATCH
        end = match.end()
        remainder = stem[end:]
        if remainder:
            if remainder[0] != "-":
                return _PROPERTY_SEPARATOR
            if _PROPERTIES.fullmatch(remainder) is None:
                return InvalidName(_properties_reason(remainder))
        return _parsed(camera_id, counter, stem[:end], remainder)


def _whole_stem_pattern(pattern: str, flags: int) -> re.Pattern[str] | None:
    """The user's pattern and valid properties in one regex, for the common case.

    The atomic group commits to the first match the user's pattern finds, exactly as
    `regex.match(stem)` does, so a full match here means the same parse; anything else takes the
    slow path, which also finds the reason. Patterns with inline global flags cannot be wrapped.
    """
    try:
        return re.compile(f"(?>{pattern})((?:-[A-Za-z0-9 _]+)*)", flags)
    except re.error:
        return None
