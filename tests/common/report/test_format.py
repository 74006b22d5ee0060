"""Sizes, counts, percentages, durations and timestamps as the report prints them."""

from __future__ import annotations

import pytest

from shuttersense.common.report.format import (
    format_count,
    format_duration,
    format_percent,
    format_ratio,
    format_size,
    format_timestamp,
    plural,
    short_hash,
)


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0.00 B"),
        (512, "512.00 B"),
        (1023, "1023.00 B"),
        (1024, "1.00 KB"),
        (1536, "1.50 KB"),
        (1024**2, "1.00 MB"),
        (int(2.25 * 1024**3), "2.25 GB"),
        (5 * 1024**4, "5.00 TB"),
        (1024**5, "1.00 PB"),
        (3 * 1024**6, "3072.00 PB"),
        # Rounding up to the next unit shows that unit, never "1024.00 KB".
        (1024**2 - 1, "1.00 MB"),
        (-1536, "-1.50 KB"),
    ],
)
def test_format_size(size: int, text: str) -> None:
    assert format_size(size) == text


def test_format_count_groups_thousands() -> None:
    assert format_count(0) == "0"
    assert format_count(1234567) == "1,234,567"


def test_plural() -> None:
    assert plural(1, "file") == "1 file"
    assert plural(0, "file") == "0 files"
    assert plural(2500, "file") == "2,500 files"
    assert plural(2, "copy", "copies") == "2 copies"


@pytest.mark.parametrize(
    ("percent", "text"),
    [
        (0, "0%"),
        (50, "50%"),
        (100, "100%"),
        (100 / 3, "33.3%"),
        (0.04, "<0.1%"),
        (99.96, ">99.9%"),
    ],
)
def test_format_percent(percent: float, text: str) -> None:
    assert format_percent(percent) == text


def test_format_ratio_of_an_empty_whole_is_zero() -> None:
    assert format_ratio(1, 4) == "25%"
    assert format_ratio(0, 0) == "0%"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.4213, "0.42 s"), (12.34, "12.3 s"), (125, "2 min 05 s"), (3725, "1 h 02 min")],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("2025-11-25T12:31:05+00:00", "2025-11-25 12:31:05 UTC"),
        ("2025-11-25T12:31:05Z", "2025-11-25 12:31:05 UTC"),
        ("2025-11-25T12:31:05.123456+02:00", "2025-11-25 12:31:05 +02:00"),
        ("2025-11-25T12:31:05", "2025-11-25 12:31:05"),
        ("yesterday", "yesterday"),
    ],
)
def test_format_timestamp(value: str, text: str) -> None:
    assert format_timestamp(value) == text


def test_short_hash() -> None:
    assert short_hash("0123456789abcdef0123") == "0123456789ab"
