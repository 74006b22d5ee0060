"""Runs of numbered names: compacted and spelled out again without loss."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shuttersense.common.name_runs import compact, count_names, expand


def test_consecutive_counters_become_one_run() -> None:
    names = [f"AB3D{n:04d}" for n in range(1, 421) if n not in (50, 51)]
    assert compact(names) == [("AB3D0001", "AB3D0049"), ("AB3D0052", "AB3D0420")]


def test_the_number_is_the_last_three_or_more_digits_before_the_extension() -> None:
    names = ["AB3D0001-2", "AB3D0002-2", "AB3D0003-2", "IMG_0009.CR3", "IMG_0010.CR3"]
    names += ["IMG_0011.CR3", "IMG_0011.xmp", "notes", "x12.txt"]
    assert compact(names) == [
        ("AB3D0001-2", "AB3D0003-2"),  # a separate image's -2 is not the number
        ("IMG_0009.CR3", "IMG_0011.CR3"),
        "IMG_0011.xmp",
        "notes",
        "x12.txt",
    ]


def test_short_runs_and_different_widths_stay_names() -> None:
    assert compact(["IMG_999.JPG", "IMG_1000.JPG", "IMG_1001.JPG"]) == [
        "IMG_1000.JPG",
        "IMG_1001.JPG",
        "IMG_999.JPG",
    ]


names = st.builds(
    "{}{:0{}d}{}".format,
    st.sampled_from(["AB3D", "IMG_", "a/b", "é ", ""]),
    st.integers(0, 1200),
    st.sampled_from([3, 4, 5]),
    st.sampled_from(["", ".CR3", "-2.xmp", "-HDR", " 12.txt"]),
) | st.text(max_size=12)


@given(st.sets(names, max_size=60))
def test_nothing_is_lost(given_names: set[str]) -> None:
    items = compact(given_names)
    assert sorted(expand(items)) == sorted(given_names)
    assert count_names(items) == len(given_names)
    firsts = [item if isinstance(item, str) else item[0] for item in items]
    assert firsts == sorted(firsts)
