"""Filename grammar: every rejection reason, property classification, and the regex mode."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuttersense.common.grammar import (
    InvalidName,
    LegacyGrammar,
    ParsedName,
    Reason,
    RegexGrammar,
)

LEGACY = LegacyGrammar()
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
LETTERS = UPPER + UPPER.lower()


def parsed(name: str, grammar: LegacyGrammar | RegexGrammar = LEGACY) -> ParsedName:
    result = grammar.parse(name)
    assert isinstance(result, ParsedName), f"{name!r} rejected: {result}"
    return result


def reason(name: str, grammar: LegacyGrammar | RegexGrammar = LEGACY) -> str:
    result = grammar.parse(name)
    assert isinstance(result, InvalidName), f"{name!r} accepted: {result}"
    return result.reason


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # D4: the extension itself
        ("AB3D0001", Reason.NO_EXTENSION),
        ("AB3D0001.", Reason.BAD_EXTENSION),
        ("AB3D0001.c-r", Reason.BAD_EXTENSION),
        ("AB3D0001-HDR.x-y", Reason.BAD_EXTENSION),
        ("AB3D0001.cré", Reason.BAD_EXTENSION),
        # 1. too short
        ("AB3.cr3", Reason.TOO_SHORT),
        (".cr3", Reason.TOO_SHORT),
        ("ab.cr3", Reason.TOO_SHORT),
        # 2. camera ID
        ("ab3d0001.cr3", Reason.CAMERA_LOWERCASE),
        ("AB3d0001.cr3", Reason.CAMERA_LOWERCASE),
        ("ab3d.cr3", Reason.CAMERA_LOWERCASE),
        ("AB_D0001.cr3", Reason.CAMERA_CHARS),
        ("AB-D0001.cr3", Reason.CAMERA_CHARS),
        ("AB D0001.cr3", Reason.CAMERA_CHARS),
        # 3. counter too short
        ("AB3D001.cr3", Reason.COUNTER_DIGITS),
        ("AB3D.cr3", Reason.COUNTER_DIGITS),
        # 4. counter content
        ("AB3D00A1.cr3", Reason.COUNTER_DIGITS),
        ("AB3D٠٠٠١.cr3", Reason.COUNTER_DIGITS),  # Arabic-Indic digits are not 0-9
        ("AB3D0000.cr3", Reason.COUNTER_ZERO),
        ("AB3D0000--x.cr3", Reason.COUNTER_ZERO),  # first failing check wins
        # 5. empty property
        ("AB3D0001--HDR.cr3", Reason.EMPTY_PROPERTY),
        ("AB3D0001-.cr3", Reason.EMPTY_PROPERTY),
        ("AB3D0001-HDR-.cr3", Reason.EMPTY_PROPERTY),
        ("AB3D0001-H@R--x.cr3", Reason.EMPTY_PROPERTY),
        # 6. property characters
        ("AB3D0001-HD@R.cr3", Reason.PROPERTY_CHARS),
        ("AB3D0001X.cr3", Reason.PROPERTY_CHARS),
        ("AB3D00011.cr3", Reason.PROPERTY_CHARS),
        ("AB3D0001-a.b.cr3", Reason.PROPERTY_CHARS),
        ("AB3D0001-é.cr3", Reason.PROPERTY_CHARS),
    ],
)
def test_legacy_rejection_reasons(name: str, expected: str) -> None:
    assert reason(name) == expected


def test_plain_name_parses_with_empty_properties() -> None:
    result = parsed("AB3D0001.DNG")
    assert result == ParsedName("AB3D", "0001", "AB3D0001", "", ())
    assert result.group_id == "AB3D0001"


@pytest.mark.parametrize("name", ["AB3D9999.cr3", "00000001.CR3", "ZZZZ0001.tif"])
def test_counter_bounds_and_digit_camera_ids_are_valid(name: str) -> None:
    assert parsed(name).counter == name[4:8]


def test_first_all_digit_property_is_the_separate_image() -> None:
    result = parsed("AB3D0001-HDR-2-3.cr3")
    assert result.separate_id == "2"
    assert result.methods == ("HDR", "3")  # a second number is a processing method


def test_leading_zeros_make_a_different_separate_image() -> None:
    assert parsed("AB3D0001-02.cr3").separate_id == "02"
    assert parsed("AB3D0001-2.cr3").separate_id == "2"


@pytest.mark.parametrize("prop", ["HDR", "2X", "HDR2", "Focus Stack", "pano_1"])
def test_non_numeric_properties_are_methods(prop: str) -> None:
    result = parsed(f"AB3D0001-{prop}.tif")
    assert result.separate_id == ""
    assert result.methods == (prop,)


def test_methods_keep_their_order_and_base_excludes_properties() -> None:
    result = parsed("AB3D0042-Focus Stack-1-DxO.jpg")
    assert result.methods == ("Focus Stack", "DxO")
    assert result.separate_id == "1"
    assert result.base == "AB3D0042"


# --- regex mode (spec 2.2) ---

CAMERA_FIRST = RegexGrammar(r"([A-Z0-9]{4})(\d{4})")


def test_regex_counter_may_be_0000_and_base_is_the_matched_prefix() -> None:
    result = parsed("AB3D0000-HDR.cr3", CAMERA_FIRST)
    assert (result.camera_id, result.counter, result.base) == ("AB3D", "0000", "AB3D0000")
    assert result.methods == ("HDR",)


def test_regex_camera_id_group_2_swaps_camera_and_counter() -> None:
    grammar = RegexGrammar(r"(\d{4})_([A-Z]+)", camera_id_group=2)
    result = parsed("0042_CAM-2-HDR.jpg", grammar)
    assert (result.camera_id, result.counter) == ("CAM", "0042")
    assert result.group_id == "CAM0042"
    assert result.base == "0042_CAM"
    assert (result.separate_id, result.methods) == ("2", ("HDR",))


def test_regex_group_id_joins_camera_and_counter() -> None:
    result = parsed("IMG_0001-DxO.CR3", RegexGrammar(r"(IMG)_(\d{4})"))
    assert (result.group_id, result.base, result.methods) == ("IMG0001", "IMG_0001", ("DxO",))


def test_regex_out_of_range_group_falls_back_to_1() -> None:
    assert RegexGrammar(r"([A-Z]{4})(\d{4})", camera_id_group=3).camera_id_group == 1


def test_regex_needs_two_groups() -> None:
    with pytest.raises(ValueError, match="2 capture groups"):
        RegexGrammar(r"([A-Z]{4})\d{4}")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("AB3D0001X.cr3", Reason.PROPERTY_SEPARATOR),
        ("AB3D00011.cr3", Reason.PROPERTY_SEPARATOR),
        ("AB3D0001--HDR.cr3", Reason.EMPTY_PROPERTY),
        ("AB3D0001-HDR-.cr3", Reason.EMPTY_PROPERTY),
        ("AB3D0001-@#$.cr3", Reason.PROPERTY_CHARS),
        ("xAB3D0001.cr3", Reason.NO_PATTERN_MATCH),  # anchored at the start of the stem
        ("ab3d0001.cr3", Reason.NO_PATTERN_MATCH),
        ("AB3D0001", Reason.NO_EXTENSION),
        ("AB3D0001.c-r", Reason.BAD_EXTENSION),
    ],
)
def test_regex_rejection_reasons(name: str, expected: str) -> None:
    assert reason(name, CAMERA_FIRST) == expected


def test_regex_is_applied_to_the_stem_not_the_whole_name() -> None:
    assert reason("AB3D0001.cr3", RegexGrammar(r"([A-Z0-9]{4})(\d{4})\.cr3")) == (
        Reason.NO_PATTERN_MATCH
    )


def test_regex_group_that_did_not_take_part_is_no_match() -> None:
    assert reason("0001.cr3", RegexGrammar(r"([A-Z]{4})?(\d{4})")) == Reason.NO_PATTERN_MATCH


# --- properties ---

cameras = st.text(UPPER + DIGITS, min_size=4, max_size=4)
counters = st.integers(1, 9999).map(lambda n: f"{n:04d}")
properties = st.lists(st.text(LETTERS + DIGITS + " _", min_size=1, max_size=8), max_size=5)
extensions = st.text(LETTERS + DIGITS, min_size=1, max_size=5).map(lambda e: "." + e)


@given(cameras, counters, properties, extensions)
def test_valid_legacy_names_parse_and_round_trip(
    camera: str, counter: str, props: list[str], ext: str
) -> None:
    name = camera + counter + "".join("-" + p for p in props) + ext
    result = parsed(name)
    assert (result.camera_id, result.counter, result.base) == (camera, counter, camera + counter)
    numbers = [p for p in props if p.isdigit()]
    assert result.separate_id == (numbers[0] if numbers else "")
    rebuilt = list(result.methods)
    if result.separate_id:
        rebuilt.insert(props.index(result.separate_id), result.separate_id)
    assert rebuilt == props
    assert result.base + "".join("-" + p for p in rebuilt) + ext == name


@given(st.text(max_size=30))
def test_parsing_any_text_never_raises(name: str) -> None:
    for grammar in (LEGACY, CAMERA_FIRST):
        assert isinstance(grammar.parse(name), ParsedName | InvalidName)


@given(
    st.text(LETTERS + DIGITS, min_size=4, max_size=4).filter(lambda c: c != c.upper()),
    counters,
    properties,
)
def test_lowercase_camera_ids_are_always_invalid(
    camera: str, counter: str, props: list[str]
) -> None:
    name = camera + counter + "".join("-" + p for p in props) + ".cr3"
    assert reason(name) == Reason.CAMERA_LOWERCASE
