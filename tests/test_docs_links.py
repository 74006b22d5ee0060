"""README.md and docs/*.md stand alone: every link and every `….md` they name is a file of the
repository (or a web address), and every #anchor is a heading of its page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
_CODE = re.compile(r"`+[^`\n]+?`+")
_INLINE = re.compile(r"\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
_NAMED_PAGE = re.compile(r"`([^`\s]+\.md)`")  # `docs/pipelines.md`: a path from the root
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_WEB = ("http://", "https://", "mailto:")


def _anchors(page: Path) -> set[str]:
    """GitHub's anchors for the page's headings: lowercase, punctuation dropped, spaces to `-`,
    a repeated heading numbered from 1."""
    anchors: set[str] = set()
    counts: dict[str, int] = {}
    for heading in _HEADING.findall(_FENCE.sub("", page.read_text(encoding="utf-8"))):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        count = counts.get(slug, 0)
        counts[slug] = count + 1
        anchors.add(f"{slug}-{count}" if count else slug)
    return anchors


def problems(page: Path, root: Path) -> list[str]:
    """What is wrong with the links of one Markdown page of the repository at `root`."""
    text = _FENCE.sub("", page.read_text(encoding="utf-8"))
    prose = _CODE.sub("", text)
    found: list[str] = []
    targets = [(t, page.parent) for t in _INLINE.findall(prose) + _REFERENCE.findall(prose)]
    targets += [(t, root) for t in _NAMED_PAGE.findall(text)]
    for target, base in targets:
        if target.startswith(_WEB):
            continue
        path, _, anchor = target.partition("#")
        if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", path) or path.startswith(("/", "~")):
            found.append(f"{target}: not a file of the repository")
            continue
        linked = (base / path).resolve() if path else page
        if not linked.is_relative_to(root.resolve()):
            found.append(f"{target}: leaves the repository")
        elif not linked.exists():
            found.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
            found.append(f"{target}: no heading #{anchor} in {linked.name}")
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_link_stays_inside_the_repository_and_resolves(page: Path) -> None:
    assert problems(page, ROOT) == []


def test_the_check_finds_what_leaves_or_misses(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "other.md").write_text("# Other\n\n## Its part\n", encoding="utf-8")
    page = tmp_path / "docs" / "page.md"
    page.write_text(
        "# Page\n\n"
        "[fine](other.md#its-part), [here](#page), [web](https://example.com/x),\n"
        "[up](../../outside.md), [gone](missing.md), [bad anchor](other.md#nowhere),\n"
        "[absolute](/etc/passwd), [file](file:///etc/passwd), `shared/spec/analysis.md`,\n"
        "`docs/other.md`, `[ignored](in-code.md)`\n\n"
        "[ref]: ../../elsewhere/notes.md\n\n"
        "```\n[in a fence](fenced.md)\n```\n",
        encoding="utf-8",
    )
    assert problems(page, tmp_path) == [
        "../../outside.md: leaves the repository",
        "missing.md: no such file",
        "other.md#nowhere: no heading #nowhere in other.md",
        "/etc/passwd: not a file of the repository",
        "file:///etc/passwd: not a file of the repository",
        "../../elsewhere/notes.md: leaves the repository",
        "shared/spec/analysis.md: no such file",
    ]
