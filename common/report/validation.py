"""The Pipeline Validation section: statuses, per-termination charts, problem images, paths.

Counts come from `overall_status` and `by_termination`, where warnings are folded into
CONSISTENT (analysis spec D6); the image tables keep the unfolded status of each image.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..files import name_of
from ..results import ImageValidation, PipelineValidationResult, Status, TerminationMatch
from .format import format_count, format_percent, format_ratio, plural
from .html import (
    MAX_TABLE_ROWS,
    Markup,
    collapsible,
    data_table,
    empty_note,
    kpi_card,
    kpi_grid,
    more_rows,
    notice,
    render,
    subsection,
    tag,
)
from .palette import STATUS_COLOURS
from .svg import Datum, donut_chart

__all__ = ["STATUS_LABELS", "render_validation", "status_badge"]

STATUS_LABELS = {
    Status.CONSISTENT: "Consistent",
    Status.CONSISTENT_WITH_WARNING: "Consistent with warnings",
    Status.PARTIAL: "Partial",
    Status.INCONSISTENT: "Inconsistent",
}

# Partial images first: they are one missing file away from complete, the most actionable.
_GROUPS = (
    (Status.PARTIAL, "missing files the pipeline expects"),
    (Status.INCONSISTENT, "no path of the pipeline matches"),
    (Status.CONSISTENT_WITH_WARNING, "complete, with files the pipeline does not expect"),
)
_FOLDED = (Status.CONSISTENT, Status.PARTIAL, Status.INCONSISTENT)


def status_badge(status: Status) -> Markup:
    return tag("span", STATUS_LABELS[status], class_=f"status status-{status.value.lower()}")


def _status_pie(counts: dict[str, int], title: str) -> Markup:
    data = [Datum(STATUS_LABELS[s], counts.get(s.value, 0), STATUS_COLOURS[s]) for s in _FOLDED]
    return donut_chart(data, title=title, caption="images")


def render_validation(result: PipelineValidationResult) -> Markup:
    return render(
        _pipeline_line(result),
        _kpis(result),
        _notices(result),
        _charts(result),
        _problem_images(result),
        _path_stats(result),
    )


def _pipeline_line(result: PipelineValidationResult) -> Markup:
    parts: list[Markup | str] = ["Pipeline ", tag("strong", result.pipeline_name)]
    if result.pipeline_version is not None:
        parts.append(f" · version {result.pipeline_version}")
    if result.pipeline_guid:
        parts += [" · ", tag("span", result.pipeline_guid, class_="hash")]
    return tag("p", parts, class_="meta-line")


def _kpis(result: PipelineValidationResult) -> Markup:
    counts = result.overall_status
    consistent = counts.get(Status.CONSISTENT.value, 0)
    partial = counts.get(Status.PARTIAL.value, 0)
    inconsistent = counts.get(Status.INCONSISTENT.value, 0)
    warned = result.status_counts.get("consistent_with_warning", 0)
    ready = result.archival_ready_count
    all_ready = result.total_images > 0 and ready == result.total_images
    return kpi_grid(
        kpi_card(
            "Total Images",
            format_count(result.total_images),
            hint=f"{plural(result.total_groups, 'group')}, {plural(result.total_files, 'file')}",
        ),
        kpi_card(
            "Consistent",
            format_count(consistent),
            tone="success" if consistent else "muted",
            hint=f"incl. {format_count(warned)} with warnings" if warned else None,
        ),
        kpi_card("Partial", format_count(partial), tone="warning" if partial else "success"),
        kpi_card(
            "Inconsistent", format_count(inconsistent), tone="danger" if inconsistent else "success"
        ),
        kpi_card(
            "Archival Ready",
            format_count(ready),
            tone="success" if all_ready else "info",
            hint=format_ratio(ready, result.total_images) + " of images",
        ),
    )


def _notices(result: PipelineValidationResult) -> Markup:
    partial = result.overall_status.get(Status.PARTIAL.value, 0)
    inconsistent = result.overall_status.get(Status.INCONSISTENT.value, 0)
    notices = []
    if inconsistent:
        message = plural(inconsistent, "image") + " with no matching path in the pipeline"
        notices.append(notice(message, tone="danger"))
    if partial:
        message = plural(partial, "image") + " missing files the pipeline expects"
        notices.append(notice(message, tone="warning"))
    if result.invalid_files_count:
        message = (
            f"{plural(result.invalid_files_count, 'file')} with an invalid name could not be "
            "validated (see Photo Pairing)"
        )
        notices.append(notice(message, tone="info"))
    return render(notices)


def _charts(result: PipelineValidationResult) -> Markup | None:
    if result.total_images <= 0:
        return None
    pies = [_status_pie(result.overall_status, "Overall Status")]
    for termination in sorted(result.by_termination):
        counts = result.by_termination[termination]
        if sum(counts.values()) > 0:
            pies.append(_status_pie(counts, f"{termination} Status"))
    return tag("div", pies, class_="chart-row")


def _problem_images(result: PipelineValidationResult) -> Markup:
    groups: dict[Status, list[ImageValidation]] = {status: [] for status, _ in _GROUPS}
    for image in result.images:
        if image.status in groups:
            groups[image.status].append(image)
    blocks = [
        collapsible(
            render(status_badge(status), " ", plural(len(images), "image"), " · ", explanation),
            _image_table(images),
        )
        for status, explanation in _GROUPS
        if (images := groups[status])
    ]
    if not blocks:
        return subsection("Images", empty_note("Every image matches a path of the pipeline."))
    return subsection(
        "Images",
        blocks,
        description="Each termination shows the best-matching path: ✗ expected but missing, "
        "⚠ present but not expected.",
    )


def _image_table(images: list[ImageValidation]) -> Markup:
    head = tag("thead", tag("tr", (tag("th", name) for name in _IMAGE_COLUMNS)))
    # One <tbody> per image keeps its rows together across page breaks.
    bodies = (_image_rows(image) for image in images[:MAX_TABLE_ROWS])
    table = tag("table", head, bodies, class_="data images")
    hidden = len(images) - MAX_TABLE_ROWS
    return render(tag("div", table, class_="table-wrap"), more_rows(hidden) if hidden > 0 else None)


_IMAGE_COLUMNS = ("Image", "Termination", "Status", "Completion", "Missing", "Extra")


def _image_rows(image: ImageValidation) -> Markup:
    terminations = sorted(image.terminations.items())
    files = tag("ul", (tag("li", name_of(path)) for path in image.files), class_="files")
    first = tag(
        "td",
        tag("div", image.base_filename, class_="path"),
        tag("div", status_badge(image.status)),
        tag("div", "archival ready", class_="ready") if image.archival_ready else None,
        files,
        rowspan=len(terminations) if len(terminations) > 1 else None,
        class_="image",
    )
    if not terminations:
        row = tag("tr", first, tag("td", "no termination path applies", colspan=5, class_="empty"))
        return tag("tbody", row)
    rows = [
        tag("tr", first if i == 0 else None, _match_cells(name, match))
        for i, (name, match) in enumerate(terminations)
    ]
    return tag("tbody", rows)


def _match_cells(termination: str, match: TerminationMatch) -> Iterable[Markup]:
    matched = len(match.expected) - len(match.missing)
    return (
        tag("td", termination),
        tag("td", status_badge(match.status)),
        tag(
            "td",
            format_percent(match.completion),
            tag("div", f"{matched} of {len(match.expected)}", class_="sub"),
            class_="num",
        ),
        tag("td", _marked(match.missing, "✗", "missing")),
        tag("td", _marked(match.extra, "⚠", "extra")),
    )


def _marked(names: list[str], mark: str, kind: str) -> Markup:
    if not names:
        return tag("span", "—", class_="none")
    return render(
        tag(
            "div",
            tag("span", mark, class_=f"mark {kind}", aria_hidden="true"),
            " ",
            name,
            class_="path",
        )
        for name in names
    )


def _path_stats(result: PipelineValidationResult) -> Markup:
    if not result.path_stats:
        return subsection("Paths Followed", empty_note("No image followed a pipeline path."))
    ordered = sorted(result.path_stats, key=lambda stat: (-stat.image_count, stat.path))
    total = sum(stat.image_count for stat in ordered)
    return subsection(
        "Paths Followed",
        data_table(
            ["Path", "Images", "Share"],
            (
                [
                    " → ".join(stat.path),
                    format_count(stat.image_count),
                    format_ratio(stat.image_count, total),
                ]
                for stat in ordered
            ),
            total=len(ordered),
            numeric=(1, 2),
        ),
        description="The pipeline path each image followed, by node.",
    )
