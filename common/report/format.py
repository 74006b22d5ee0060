"""Numbers and times as a report shows them: sizes, counts, percentages, durations, timestamps."""

from __future__ import annotations

from datetime import datetime

__all__ = [
    "format_count",
    "format_duration",
    "format_percent",
    "format_ratio",
    "format_size",
    "format_timestamp",
    "noun",
    "plural",
    "short_hash",
]

_SIZE_UNITS = ("B", "KB", "MB", "GB", "TB")


def format_size(size: float) -> str:
    """Bytes in base 1024 with two decimals, B to PB (analysis spec 4.5): 1536 -> "1.50 KB"."""
    value = abs(float(size))
    sign = "-" if size < 0 else ""
    for unit in _SIZE_UNITS:
        # Compare the rounded value so 1048575 bytes reads "1.00 MB", not "1024.00 KB".
        if round(value, 2) < 1024:
            return f"{sign}{value:.2f} {unit}"
        value /= 1024
    return f"{sign}{value:.2f} PB"


def format_count(count: int) -> str:
    """An integer with thousands separators: 12345 -> "12,345"."""
    return f"{count:,}"


def noun(count: int, one: str, many: str | None = None) -> str:
    """The noun for `count` things: noun(1, "file") -> "file", noun(2, "file") -> "files"."""
    return one if count == 1 else (many or one + "s")


def plural(count: int, one: str, many: str | None = None) -> str:
    """A count with its noun: plural(1, "file") -> "1 file", plural(2, "file") -> "2 files"."""
    return f"{format_count(count)} {noun(count, one, many)}"


def format_percent(percent: float) -> str:
    """A percentage with at most one decimal; never rounds a partial share to 0% or 100%."""
    if 0 < percent < 0.1:
        return "<0.1%"
    if 99.9 < percent < 100:
        return ">99.9%"
    text = f"{percent:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return text + "%"


def format_ratio(part: float, whole: float) -> str:
    """`part` as a percentage of `whole`; "0%" when the whole is empty."""
    if whole <= 0:
        return "0%"
    return format_percent(part / whole * 100)


def format_duration(seconds: float) -> str:
    """A run time: "0.42 s", "12.3 s", "2 min 05 s", "1 h 02 min"."""
    if seconds < 10:
        return f"{seconds:.2f} s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s"


def format_timestamp(value: str) -> str:
    """An ISO 8601 time as "2025-11-25 12:31:05 UTC"; text that does not parse is shown as is."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    offset = moment.utcoffset()
    if offset is None:
        return text
    if not offset:
        return text + " UTC"
    zone = moment.strftime("%z")  # "+0200"
    return f"{text} {zone[:3]}:{zone[3:5]}"


def short_hash(value: str, length: int = 12) -> str:
    """The first characters of a hash, enough to tell runs apart at a glance."""
    return value[:length]
