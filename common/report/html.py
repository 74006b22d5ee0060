"""HTML building blocks: escaping, elements, and the report's components (cards, tables, notices,
folder lists), with the one cap every long list or table shares.

Everything returns `Markup`, text that is already HTML. Any other value placed in an element or
an attribute is escaped on the way in, so data can only ever reach the page as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import islice
from typing import TypeAlias

from ..name_runs import count_names
from .format import format_count, noun, plural
from .palette import Tone

__all__ = [
    "FULL_LIST",
    "MAX_FOLDERS",
    "MAX_NAMES",
    "Child",
    "Listed",
    "Markup",
    "collapsible",
    "data_table",
    "empty_note",
    "esc",
    "folder_list",
    "kpi_card",
    "kpi_grid",
    "more_line",
    "notice",
    "render",
    "subsection",
    "tag",
]

MAX_NAMES = 200
"""The most names, or table rows, one list shows; the rest are counted, not listed."""
MAX_FOLDERS = 50
"""The most folders one list shows."""
FULL_LIST = "the full list is in the JSON output (--json) or the CSV export"


class Markup(str):
    """Text that is already HTML: the builders below never escape it again."""

    __slots__ = ()


Child: TypeAlias = "Markup | str | int | float | Iterable[Child] | None"
AttrValue: TypeAlias = str | int | float | bool | None

_VOID = frozenset({"br", "hr", "img", "input", "link", "meta", "wbr"})

# Lone surrogates (undecodable names, analysis spec D8) cannot be written as UTF-8, and control
# characters are invisible or invalid in HTML; both are shown as backslash escapes instead.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _show_code_point(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte kept by the surrogateescape error handler
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def esc(value: object) -> Markup:
    """`value` as HTML text: `<>&"'` escaped, unprintable characters spelled out; Markup kept."""
    if isinstance(value, Markup):
        return value
    text = _UNPRINTABLE.sub(_show_code_point, str(value))
    return Markup(html.escape(text, quote=True))


def render(*children: Child) -> Markup:
    """Children joined as HTML; None is skipped, iterables are flattened, other text escaped."""
    parts: list[str] = []
    _collect(children, parts)
    return Markup("".join(parts))


def _collect(children: Iterable[Child], parts: list[str]) -> None:
    for child in children:
        if child is None:
            continue
        if isinstance(child, str | int | float):
            parts.append(esc(child))
        else:
            _collect(child, parts)


def _attribute(name: str, value: AttrValue) -> str:
    if value is None or value is False:
        return ""
    # Python names: `class_` -> class, `aria_label` -> aria-label; `viewBox` keeps its case.
    name = name.rstrip("_").replace("_", "-")
    if value is True:
        return " " + name
    return f' {name}="{esc(value)}"'


def tag(element: str, /, *children: Child, **attributes: AttrValue) -> Markup:
    """One element; void elements (`meta`, `br`, …) take no children."""
    opening = element + "".join(_attribute(key, value) for key, value in attributes.items())
    if element in _VOID:
        if children:
            raise ValueError(f"<{element}> cannot have children")
        return Markup(f"<{opening}>")
    return Markup(f"<{opening}>{render(*children)}</{element}>")


def kpi_card(title: str, value: Child, *, tone: Tone = "info", hint: Child = None) -> Markup:
    """A headline figure: title, big value, optional small line below."""
    return tag(
        "div",
        tag("div", title, class_="kpi-title"),
        tag("div", value, class_="kpi-value"),
        tag("div", hint, class_="kpi-hint") if hint is not None else None,
        class_=f"kpi tone-{tone}",
    )


def kpi_grid(*cards: Markup) -> Markup:
    return tag("div", cards, class_="kpis")


def more_line(hidden: int, one: str, *, hidden_folders: int = 0, where: str = FULL_LIST) -> Markup:
    """The line under a capped list: how much is not shown, and where to find all of it."""
    text = f"… and {format_count(hidden)} more {noun(hidden, one)} not listed"
    if hidden_folders:
        text += f", {format_count(hidden_folders)} more {noun(hidden_folders, 'folder')} not shown"
    return tag("p", f"{text}: {where}.", class_="more")


def data_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Child]],
    *,
    total: int,
    numeric: Sequence[int] = (),
    one: str = "row",
    cap: int = MAX_NAMES,
) -> Markup:
    """A table of at most `cap` rows out of `total`; a line says how many were left out.

    `numeric` lists the columns to right-align. Only the shown rows are consumed from `rows`.
    """
    head = tag("tr", (tag("th", text, class_=_num(i, numeric)) for i, text in enumerate(headers)))
    body = (
        tag("tr", (tag("td", cell, class_=_num(i, numeric)) for i, cell in enumerate(row)))
        for row in islice(rows, cap)
    )
    table = tag("table", tag("thead", head), tag("tbody", body), class_="data")
    more = more_line(total - cap, one) if total > cap else None
    return render(tag("div", table, class_="table-wrap"), more)


Listed: TypeAlias = "Child | tuple[str, str]"
"""One entry of a folder list: a name (or markup), or a run of numbered names `(first, last)`."""


def folder_list(
    by_folder: Mapping[str, Sequence[Listed]],
    *,
    total: int,
    one: str,
    where: str = FULL_LIST,
) -> Markup:
    """Names folder by folder, each folder with its count: at most MAX_NAMES entries in all (a
    run of numbered names is one entry, `first … last`), the folders past them only counted,
    MAX_FOLDERS folders at most, then a line saying how many of the `total` names were left out
    and where they all are."""
    budget = MAX_NAMES
    listed = 0
    blocks: list[Markup] = []
    unlisted: list[Markup] = []
    for folder, entries in islice(by_folder.items(), MAX_FOLDERS):
        count = _count(entries)
        where_and_count = render(
            tag("span", folder or "(top folder)", class_="path"),
            " ",
            tag("span", plural(count, one), class_="count"),
        )
        if not budget:
            unlisted.append(tag("li", where_and_count))
            continue
        shown = entries[:budget]
        budget -= len(shown)
        shown_count = _count(shown)
        listed += shown_count
        items = [_entry(entry) for entry in shown]
        if shown_count < count:
            items.append(tag("li", f"… {format_count(count - shown_count)} more", class_="more"))
        head = tag("div", where_and_count, class_="folder-head")
        blocks.append(tag("div", head, tag("ul", items, class_="names")))
    if unlisted:
        head = tag("div", "Also in these folders, not listed:", class_="folder-head")
        blocks.append(tag("div", head, tag("ul", unlisted, class_="also-in")))
    more = None
    if total > listed:
        hidden_folders = max(len(by_folder) - MAX_FOLDERS, 0)
        more = more_line(total - listed, one, hidden_folders=hidden_folders, where=where)
    return render(tag("div", blocks, class_="folders"), more)


def _count(entries: Sequence[Listed]) -> int:
    return sum(count_names([entry]) if isinstance(entry, tuple) else 1 for entry in entries)


def _entry(entry: Listed) -> Markup:
    if isinstance(entry, tuple):
        first, last = entry
        size = tag("span", f"({format_count(count_names([entry]))})", class_="sub")
        return tag("li", first, " … ", last, " ", size, class_="run")
    return tag("li", entry)


def _num(column: int, numeric: Sequence[int]) -> str | None:
    return "num" if column in numeric else None


def notice(message: Child, *, tone: Tone, details: Sequence[Child] = ()) -> Markup:
    """A highlighted box: a warning, an error, or a success line."""
    detail_list = tag("ul", (tag("li", line) for line in details)) if details else None
    return tag(
        "div", tag("p", message, class_="notice-title"), detail_list, class_=f"notice {tone}"
    )


def empty_note(text: str) -> Markup:
    return tag("p", text, class_="empty")


def subsection(title: str, *body: Child, description: Child = None) -> Markup:
    """A titled block inside a tool's section."""
    intro = tag("p", description, class_="description") if description is not None else None
    return tag("section", tag("h3", title), intro, body, class_="block")


def collapsible(summary: Child, *body: Child, open: bool = False) -> Markup:
    """A `<details>` block, closed unless `open`; the print stylesheet prints it expanded."""
    return tag(
        "details", tag("summary", summary), tag("div", body, class_="details-body"), open=open
    )
