"""The Photo Pairing section: groups, cameras, processing methods, invalid names (spec 3.6)."""

from __future__ import annotations

from ..results import PhotoPairingResult
from .actions import action_details, collision_action
from .format import format_count, noun, plural
from .html import (
    Markup,
    collapsible,
    folder_list,
    kpi_card,
    kpi_grid,
    notice,
    render,
    subsection,
    tag,
)
from .palette import Tone
from .svg import Datum, bar_chart, donut_chart

__all__ = ["render_pairing"]

# More invalid names than this is more than a stray file: the naming convention is not followed.
_MANY_INVALID = 10


def _ranked(usage: dict[str, int]) -> list[Datum]:
    return [Datum(name, n) for name, n in sorted(usage.items(), key=lambda kv: (-kv[1], kv[0]))]


def render_pairing(result: PhotoPairingResult) -> Markup:
    invalid = result.invalid_file_count
    kpis = kpi_grid(
        kpi_card(
            "Images",
            format_count(result.image_count),
            hint=f"separate images, from {plural(result.file_count, 'file')}",
        ),
        kpi_card("Image groups", format_count(result.group_count), hint="camera ID + counter"),
        kpi_card("Cameras used", format_count(len(result.camera_usage))),
        kpi_card("Processing methods", format_count(len(result.method_usage))),
        kpi_card("Invalid names", format_count(invalid), tone="danger" if invalid else "success"),
    )
    convention = (
        tag("p", "File names read as ", result.filename_convention, ".", class_="convention")
        if result.filename_convention
        else None
    )
    charts = tag(
        "div",
        donut_chart(_ranked(result.camera_usage), title="Camera Usage", caption="images"),
        bar_chart(_ranked(result.method_usage), title="Processing Methods"),
        class_="chart-row",
    )
    return render(convention, kpis, charts, _invalid_block(result), _collisions_block(result))


def _invalid_block(result: PhotoPairingResult) -> Markup:
    invalid = result.invalid_file_count
    if not invalid:
        return subsection(
            "Invalid Filenames",
            notice("Every photo filename follows the naming convention.", tone="success"),
        )
    # Spec 3.6: severity high past ten invalid names, medium below.
    tone: Tone = "danger" if invalid > _MANY_INVALID else "warning"
    message = f"Found {plural(invalid, 'file')} with " + (
        "an invalid filename" if invalid == 1 else "invalid filenames"
    )
    groups = (
        collapsible(
            render(
                tag("span", format_count(group.count), class_="action-count"),
                f" {noun(group.count, 'file')}: ",
                group.reason,
            ),
            folder_list(group.by_folder, total=group.count, one="file"),
        )
        for group in result.invalid_names
    )
    return subsection(
        "Invalid Filenames",
        notice(message, tone=tone, details=["These files are not part of any image group."]),
        groups,
    )


def _collisions_block(result: PhotoPairingResult) -> Markup | None:
    collisions = collision_action(result)
    if collisions is None:
        return None
    return subsection(
        "Name Collisions",
        action_details(collisions),
        description="Names found in more than one folder, by the folders they share.",
    )
