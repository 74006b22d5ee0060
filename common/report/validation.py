"""The Pipeline Validation section: statuses, per-termination charts, issues, paths followed.

Counts come from `overall_status` and `by_termination`, where warnings are folded into
CONSISTENT (analysis spec D6); the issues keep their unfolded status.
"""

from __future__ import annotations

from ..results import PipelineValidationResult, Status
from .actions import action_details, issue_action
from .format import format_count, format_ratio, plural
from .html import (
    Markup,
    collapsible,
    data_table,
    empty_note,
    kpi_card,
    kpi_grid,
    notice,
    render,
    subsection,
    tag,
)
from .issue_text import STATUS_LABELS
from .palette import STATUS_COLOURS
from .svg import Datum, donut_chart

__all__ = ["render_validation"]

_FOLDED = (Status.CONSISTENT, Status.PARTIAL, Status.INCONSISTENT)
# Up to this many paths the table shows open; more are a long table, closed like the others.
_FEW_PATHS = 12


def _status_pie(counts: dict[str, int], title: str) -> Markup:
    data = [Datum(STATUS_LABELS[s], counts.get(s.value, 0), STATUS_COLOURS[s]) for s in _FOLDED]
    return donut_chart(data, title=title, caption="images")


def render_validation(result: PipelineValidationResult) -> Markup:
    return render(
        _pipeline_line(result),
        _kpis(result),
        _notices(result),
        _charts(result),
        _issues(result),
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
            "Images validated",
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
            "Archival ready",
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


def _issues(result: PipelineValidationResult) -> Markup:
    if not result.issues:
        return subsection("Issues", empty_note("Every image is consistent for every termination."))
    return subsection(
        "Issues",
        (action_details(issue_action(issue)) for issue in result.issues),
        description="Images grouped by the files they miss or add for each termination, each "
        "image in one group, most images first; warnings (extra files only) included.",
    )


def _path_stats(result: PipelineValidationResult) -> Markup:
    if not result.path_stats:
        return subsection("Paths followed", empty_note("No image followed a pipeline path."))
    ordered = sorted(result.path_stats, key=lambda stat: (-stat.image_count, stat.path))
    total = sum(stat.image_count for stat in ordered)
    rows = (
        [
            tag("span", " → ".join(stat.names or stat.path), title=" → ".join(stat.path)),
            format_count(stat.image_count),
            format_ratio(stat.image_count, total),
        ]
        for stat in ordered
    )
    table = data_table(["Path", "Images", "Share"], rows, total=len(ordered), numeric=(1, 2))
    return subsection(
        "Paths followed",
        collapsible(plural(len(ordered), "path"), table, open=len(ordered) <= _FEW_PATHS),
        description="The pipeline path each image followed, node by node (node ids on hover).",
    )
