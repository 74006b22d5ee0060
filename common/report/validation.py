"""The Pipeline Validation section: statuses, per-termination charts, problem images, paths.

Counts come from `overall_status` and `by_termination`, where warnings are folded into
CONSISTENT (analysis spec D6); the image tables keep the unfolded status of each image.
"""

from __future__ import annotations

from ..results import PipelineValidationResult, Status, ValidationIssue
from .format import format_count, format_ratio, plural
from .html import (
    Markup,
    collapsible,
    data_table,
    empty_note,
    folder_rows,
    kpi_card,
    kpi_grid,
    notice,
    render,
    subsection,
    tag,
)
from .palette import STATUS_COLOURS
from .svg import Datum, donut_chart

__all__ = ["STATUS_LABELS", "issue_title", "render_validation", "status_badge"]

STATUS_LABELS = {
    Status.CONSISTENT: "Consistent",
    Status.CONSISTENT_WITH_WARNING: "Consistent with warnings",
    Status.PARTIAL: "Partial",
    Status.INCONSISTENT: "Inconsistent",
}

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


def issue_title(issue: ValidationIssue) -> str:
    """What is wrong with the images of an issue, in the pipeline's terms."""
    if issue.termination is None:
        return "no path of the pipeline applies"
    parts = []
    if issue.missing:
        parts.append("missing " + _names(issue.missing))
    if issue.extra:
        parts.append("with unexpected " + _names(issue.extra))
    if not issue.expected:
        parts.append("no files expected")
    return ", ".join(parts) + f" for {issue.termination}"


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _problem_images(result: PipelineValidationResult) -> Markup:
    blocks = [
        collapsible(
            render(
                status_badge(issue.status),
                " ",
                plural(issue.image_count, "image"),
                " · ",
                issue_title(issue),
            ),
            data_table(
                ["Folder", "Image"],
                folder_rows(issue.images),
                total=issue.image_count,
            ),
        )
        for issue in result.issues
    ]
    if not blocks:
        return subsection("Images", empty_note("Every image matches a path of the pipeline."))
    return subsection(
        "Images",
        blocks,
        description="Images grouped by what is wrong with them, for each termination. Names "
        "starting with - or . follow the image's name (a separate image's -2 goes before the "
        "extension).",
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
                    " → ".join(stat.names or stat.path),
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
