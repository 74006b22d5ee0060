"""The whole report page: header and verdict, what to fix, one section per tool, what did not
run, the scan.

The page is one self-contained file (analysis spec D7): inline CSS and SVG, no script, nothing
fetched; a Content-Security-Policy says so to the browser as well.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from ..results import (
    AnalysisDocument,
    PhotoPairingResult,
    PhotoStatsResult,
    PipelineValidationResult,
    ToolName,
    ToolResult,
)
from .actions import SCAN, render_actions
from .format import format_count, format_duration, format_size, format_timestamp, plural, short_hash
from .html import Markup, collapsible, data_table, notice, render, tag
from .pairing import render_pairing
from .photostats import render_photostats
from .style import STYLESHEET
from .validation import render_validation
from .verdict import Verdict, document_verdict, tool_verdict

__all__ = ["TOOL_TITLES", "render_report", "write_report"]

TOOL_TITLES: dict[str, str] = {
    ToolName.PHOTOSTATS: "PhotoStats",
    ToolName.PHOTO_PAIRING: "Photo Pairing",
    ToolName.PIPELINE_VALIDATION: "Pipeline Validation",
    SCAN: "Scan",
}
_TOOL_ORDER = list(ToolName)

_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def render_report(document: AnalysisDocument) -> str:
    """The HTML report of one run, as a complete page."""
    results = sorted(document.results.items(), key=lambda item: _TOOL_ORDER.index(item[1].tool))
    verdict = document_verdict(document, TOOL_TITLES)
    body = render(
        _header(document, verdict, [result for _, result in results]),
        render_actions(document, TOOL_TITLES),
        (_tool_section(key, result, document) for key, result in results),
        _skipped_panel(document),
        _scan_panel(document),
        _footer(document),
    )
    head = tag(
        "head",
        tag("meta", charset="utf-8"),
        tag("meta", name="viewport", content="width=device-width, initial-scale=1"),
        tag("meta", http_equiv="Content-Security-Policy", content=_CSP),
        tag("meta", name="generator", content=document.generator),
        tag("title", f"{_collection_name(document)} · ShutterSense report"),
        tag("style", Markup(STYLESHEET)),
    )
    return "<!DOCTYPE html>\n" + tag("html", head, tag("body", body), lang="en") + "\n"


def write_report(document: AnalysisDocument, path: Path) -> None:
    """Render the report and write it to `path` atomically; an OSError propagates as is.

    The page goes to a temporary file beside `path` first, so a reader never sees half a report
    and an older report survives a failed write.
    """
    data = render_report(document).encode("utf-8")
    path = Path(path)
    temp = path.with_name(f".{path.name[:200]}.{secrets.token_hex(6)}.tmp")  # name length cap
    created = False
    try:
        # A plain exclusive create, unlike mkstemp, gives the file the user's usual permissions.
        with open(temp, "xb") as handle:
            created = True
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        if created:
            temp.unlink(missing_ok=True)
        raise


def _collection_name(document: AnalysisDocument) -> str:
    """What the collection is called: its name, else the last part of its folder."""
    path = document.collection.path
    return document.collection.name or re.split(r"[\\/]", path.rstrip("\\/"))[-1] or path


def _pipeline(document: AnalysisDocument) -> str | None:
    for result in document.results.values():
        if isinstance(result, PipelineValidationResult):
            version = result.pipeline_version
            return result.pipeline_name + (f" · version {version}" if version is not None else "")
    return None


def _header(document: AnalysisDocument, verdict: Verdict, results: list[ToolResult]) -> Markup:
    collection = document.collection
    facts = [
        ("Folder", tag("span", collection.path, class_="path")),
        ("Pipeline", _pipeline(document)),
        (
            "Files",
            f"{plural(collection.total_files, 'file')}, {format_size(collection.total_size)}",
        ),
        ("Generated", format_timestamp(document.generated_at)),
        ("Generator", document.generator),
        (
            "Input state",
            tag(
                "span",
                short_hash(document.input_state_hash),
                class_="hash",
                title=document.input_state_hash,
            ),
        ),
        ("Scan time", format_duration(document.scan_time)),
    ]
    fact_list = tag(
        "dl",
        ((tag("dt", name), tag("dd", value)) for name, value in facts if value is not None),
        class_="facts",
    )
    verdict_box = tag(
        "div",
        tag("div", verdict.label, class_="verdict-label"),
        tag("ul", (tag("li", reason) for reason in verdict.reasons)),
        class_=f"verdict {verdict.tone}",
    )
    return tag(
        "header",
        tag("div", "ShutterSense · collection analysis report", class_="brand"),
        tag("h1", _collection_name(document)),
        tag(
            "div",
            tag("div", fact_list, _contents(document, results)),
            verdict_box,
            class_="header-grid",
        ),
        class_="report-header",
    )


def _anchor(result: ToolResult) -> str:
    return f"tool-{result.tool.value}"


def _contents(document: AnalysisDocument, results: list[ToolResult]) -> Markup:
    links = [("#fix", "What to fix")]
    links += [(f"#{_anchor(result)}", TOOL_TITLES[result.tool]) for result in results]
    if document.skipped:
        links.append(("#not-run", "Not run"))
    links.append(("#scan", "Scan"))
    items = (tag("li", tag("a", title, href=href)) for href, title in links)
    return tag("nav", tag("ul", items), class_="contents", aria_label="Contents")


def _tool_section(key: str, result: ToolResult, document: AnalysisDocument) -> Markup:
    verdict = tool_verdict(result)
    if isinstance(result, PhotoStatsResult):
        body = render_photostats(result)
    elif isinstance(result, PhotoPairingResult):
        body = render_pairing(result)
    else:
        body = render_validation(result)
    meta = [f"Analysed in {format_duration(result.scan_time)}"]
    tool_hash = document.tool_hashes.get(key)
    if tool_hash:
        meta += [
            " · input state ",
            tag("span", short_hash(tool_hash), class_="hash", title=tool_hash),
        ]
    meta.append(f" · result schema v{result.schema_version}")
    return tag(
        "section",
        tag(
            "div",
            tag("h2", TOOL_TITLES[result.tool]),
            tag("span", verdict.label, class_=f"badge {verdict.tone}"),
            class_="tool-head",
        ),
        tag("p", meta, class_="meta-line"),
        tag("p", _sentence(verdict.reasons), class_="reasons"),
        body,
        id=_anchor(result),
        class_="tool",
    )


def _sentence(reasons: tuple[str, ...]) -> str:
    text = "; ".join(reasons)
    return text[:1].upper() + text[1:] + "." if text else ""


def _skipped_panel(document: AnalysisDocument) -> Markup | None:
    if not document.skipped:
        return None
    rows = ([TOOL_TITLES.get(tool, tool), reason] for tool, reason in document.skipped.items())
    return tag(
        "section",
        tag("h2", "Not run"),
        data_table(["Tool", "Reason"], rows, total=len(document.skipped)),
        id="not-run",
        class_="panel",
    )


def _scan_panel(document: AnalysisDocument) -> Markup:
    collection = document.collection
    issues = document.scan_issues
    summary = (
        f"Listed {plural(collection.total_files, 'file')} "
        f"({format_size(collection.total_size)}) in {format_duration(document.scan_time)}."
    )
    if issues:
        table = data_table(
            ["Path", "Problem"],
            ([tag("span", issue.path, class_="path"), issue.reason] for issue in issues),
            total=len(issues),
            one="path",
        )
        body = render(
            notice(
                f"The scan reported {plural(len(issues), 'issue')}",
                tone="warning",
                details=[
                    "Files in unreadable folders or behind unfollowed links are not analysed."
                ],
            ),
            collapsible(f"Paths not read: {format_count(len(issues))}", table),
        )
    else:
        body = notice("Every folder was read; nothing was skipped.", tone="success")
    return tag("section", tag("h2", "Scan"), tag("p", summary), body, id="scan", class_="panel")


def _footer(document: AnalysisDocument) -> Markup:
    return tag(
        "footer",
        tag(
            "p",
            f"Generated by {document.generator} on "
            f"{format_timestamp(document.generated_at)} · document schema "
            f"v{document.schema_version}",
        ),
        tag(
            "p",
            "This report is self-contained and loads nothing from the network. "
            "The complete results are in the JSON output of the same run.",
        ),
    )
