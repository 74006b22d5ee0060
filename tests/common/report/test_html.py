"""The element builders: what is escaped, what is trusted, how tables and lists are capped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shuttersense.common.report.html import (
    MAX_FOLDERS,
    MAX_NAMES,
    Markup,
    collapsible,
    data_table,
    esc,
    folder_list,
    kpi_card,
    more_line,
    render,
    tag,
)
from tests.common.report.factories import NASTY, NASTY_ESCAPED


def test_text_and_attributes_are_escaped() -> None:
    html = tag("td", NASTY, title=NASTY, class_="path")
    assert html == f'<td title="{NASTY_ESCAPED}" class="path">{NASTY_ESCAPED}</td>'


def test_markup_is_not_escaped_twice() -> None:
    inner = tag("b", "a & b")
    assert tag("p", inner) == "<p><b>a &amp; b</b></p>"
    assert esc(esc("<")) == "&lt;"


def test_children_are_flattened_and_none_skipped() -> None:
    assert render("a", None, ["b", ("c", 1)], 2.5) == "abc12.5"


def test_attribute_names_and_flags() -> None:
    html = tag("svg", viewBox="0 0 1 1", aria_label="x", stroke_width=2, hidden=False, open=True)
    assert html == '<svg viewBox="0 0 1 1" aria-label="x" stroke-width="2" open></svg>'


def test_void_elements() -> None:
    assert tag("meta", charset="utf-8") == '<meta charset="utf-8">'
    with pytest.raises(ValueError, match="cannot have children"):
        tag("br", "text")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("IMG\udcff.CR3", "IMG\\xff.CR3"),  # a byte kept by surrogateescape
        ("IMG\ud800.CR3", "IMG\\ud800.CR3"),  # any other lone surrogate
        ("IMG\x07\x1b.CR3", "IMG\\x07\\x1b.CR3"),
        ("tab\there", "tab\there"),
        ("Café ✓", "Café ✓"),
    ],
)
def test_unprintable_characters_are_spelled_out(raw: str, shown: str) -> None:
    assert esc(raw) == shown
    esc(raw).encode("utf-8")  # always writable


def test_data_table_caps_rows_and_says_how_many_are_left() -> None:
    rows = ([str(i), i] for i in range(10))
    html = data_table(["Name", "Count"], rows, total=10, numeric=(1,), one="path", cap=3)
    assert html.count("<tr>") == 4  # header + 3 rows
    assert '<th class="num">Count</th>' in html
    assert '<td class="num">2</td>' in html
    assert (
        "… and 7 more paths not listed: the full list is in the JSON output (--json) or the "
        "CSV export." in html
    )


def test_data_table_consumes_only_the_rows_it_shows() -> None:
    consumed = []

    def rows() -> Iterator[list[int]]:
        for i in range(10**6):
            consumed.append(i)
            yield [i]

    data_table(["n"], rows(), total=10**6)
    assert len(consumed) == MAX_NAMES


def test_more_line_counts_names_and_folders() -> None:
    assert more_line(1, "image") == (
        '<p class="more">… and 1 more image not listed: the full list is in the JSON output '
        "(--json) or the CSV export.</p>"
    )
    line = more_line(2500, "file", hidden_folders=1, where="only examples are kept")
    assert line == (
        '<p class="more">… and 2,500 more files not listed, 1 more folder not shown: only '
        "examples are kept.</p>"
    )


def _names(count: int, stem: str = "IMG") -> list[str]:
    return [f"{stem}{i:05d}.CR3" for i in range(count)]


def test_folder_list_shows_every_name_under_its_folder_when_few() -> None:
    html = folder_list({"": ["a.CR3"], "2024/x": ["b.CR3", "c.CR3"]}, total=3, one="image")
    assert '<span class="path">(top folder)</span> <span class="count">1 image</span>' in html
    assert '<span class="path">2024/x</span> <span class="count">2 images</span>' in html
    assert "<li>b.CR3</li><li>c.CR3</li>" in html
    assert 'class="more"' not in html
    assert "also-in" not in html


def test_folder_list_caps_names_then_only_counts_folders() -> None:
    by_folder = {"a": _names(150, "A"), "b": _names(100, "B"), "c": _names(7, "C")}
    html = folder_list(by_folder, total=257, one="image")
    assert html.count("<li>A") == 150
    assert html.count("<li>B") == 50  # the cap is shared: 200 names in all
    assert '<li class="more">… 50 more</li>' in html
    assert "<li>C" not in html
    assert (
        '<ul class="also-in"><li><span class="path">c</span> <span class="count">7 images'
        "</span></li></ul>" in html
    )
    assert "… and 57 more images not listed: the full list is in the JSON output" in html


def test_folder_list_caps_folders() -> None:
    by_folder = {f"folder {i:03d}": [f"IMG_{i}.CR3"] for i in range(MAX_FOLDERS + 12)}
    html = folder_list(by_folder, total=MAX_FOLDERS + 12, one="image")
    assert html.count('<span class="path">folder') == MAX_FOLDERS
    assert "folder 049" in html and "folder 050" not in html
    assert "… and 12 more images not listed, 12 more folders not shown:" in html


def test_folder_list_says_when_the_listing_is_only_examples() -> None:
    html = folder_list({"x": ["a.txt"]}, total=40, one="file", where="only a few are kept")
    assert "… and 39 more files not listed: only a few are kept." in html


def test_folder_list_exactly_at_the_cap_has_no_more_line() -> None:
    html = folder_list({"x": _names(MAX_NAMES)}, total=MAX_NAMES, one="image")
    assert 'class="more"' not in html


def test_folder_list_escapes_folders_and_names() -> None:
    html = folder_list({NASTY: [NASTY]}, total=1, one="image")
    assert NASTY not in html
    assert html.count(NASTY_ESCAPED) == 2


def test_kpi_card_tone_and_hint() -> None:
    html = kpi_card("Orphaned Images", "3", tone="warning", hint="no sidecar")
    assert html.startswith('<div class="kpi tone-warning">')
    assert '<div class="kpi-hint">no sidecar</div>' in html
    assert "kpi-hint" not in kpi_card("Paired", "2")


def test_collapsible_is_closed_unless_asked() -> None:
    assert collapsible("Partial", "body").startswith("<details><summary>Partial</summary>")
    assert collapsible("Paths", "body", open=True).startswith("<details open><summary>")


def test_markup_is_a_str() -> None:
    assert isinstance(tag("p"), Markup)
    assert isinstance(tag("p"), str)
