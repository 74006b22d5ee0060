"""The element builders: what is escaped, what is trusted, how tables are capped."""

from __future__ import annotations

import pytest

from shuttersense.common.report.html import (
    Markup,
    collapsible,
    data_table,
    esc,
    kpi_card,
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
    html = data_table(["Name", "Count"], rows, total=10, numeric=(1,), cap=3)
    assert html.count("<tr>") == 4  # header + 3 rows
    assert '<th class="num">Count</th>' in html
    assert '<td class="num">2</td>' in html
    assert "… and 7 more (see the JSON output)" in html


def test_kpi_card_tone_and_hint() -> None:
    html = kpi_card("Orphaned Images", "3", tone="warning", hint="no sidecar")
    assert html.startswith('<div class="kpi tone-warning">')
    assert '<div class="kpi-hint">no sidecar</div>' in html
    assert "kpi-hint" not in kpi_card("Paired", "2")


def test_collapsible_is_open_for_print() -> None:
    assert collapsible("Partial", "body").startswith("<details open><summary>Partial</summary>")


def test_markup_is_a_str() -> None:
    assert isinstance(tag("p"), Markup)
    assert isinstance(tag("p"), str)
