"""The Photo Pairing section: groups, cameras, processing methods, invalid names (spec 3.6)."""

from __future__ import annotations

from ..results import PhotoPairingResult
from .format import format_count, plural
from .html import (
    Markup,
    data_table,
    folder_rows,
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
        kpi_card("Total Groups", format_count(result.group_count)),
        kpi_card(
            "Total Images",
            format_count(result.image_count),
            hint=plural(result.file_count, "file"),
        ),
        kpi_card("Cameras Used", format_count(len(result.camera_usage))),
        kpi_card("Processing Methods", format_count(len(result.method_usage))),
        kpi_card("Invalid Files", format_count(invalid), tone="danger" if invalid else "success"),
    )
    charts = tag(
        "div",
        donut_chart(_ranked(result.camera_usage), title="Camera Usage", caption="images"),
        bar_chart(_ranked(result.method_usage), title="Processing Methods"),
        class_="chart-row",
    )
    return render(kpis, charts, _invalid_block(result))


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
    rows = (
        row for group in result.invalid_names for row in folder_rows(group.by_folder, group.reason)
    )
    return subsection(
        "Invalid Filenames",
        notice(message, tone=tone, details=["These files are not part of any image group."]),
        data_table(["Folder", "File", "Issue"], rows, total=invalid),
    )
