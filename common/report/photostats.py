"""The PhotoStats section: counts, storage and sidecar pairing (analysis spec 4.5)."""

from __future__ import annotations

from ..results import FilesByFolder, PhotoStatsResult
from .format import format_count, format_size, plural
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
from .svg import Datum, bar_chart, donut_chart

__all__ = ["extension_label", "render_photostats"]


def extension_label(extension: str) -> str:
    """`.cr3` -> "CR3", as charts show file types."""
    return extension.lstrip(".").upper() or "(no extension)"


def _by_value(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def render_photostats(result: PhotoStatsResult) -> Markup:
    metadata = set(result.metadata_extensions)
    image_counts = {ext: n for ext, n in result.file_counts.items() if ext not in metadata}
    orphaned_images = result.orphaned_images.count
    orphaned_sidecars = result.orphaned_sidecars.count

    kpis = kpi_grid(
        kpi_card(
            "Total Images",
            format_count(sum(image_counts.values())),
            hint=plural(result.total_files, "file") + " incl. sidecars",
        ),
        kpi_card("Total Size", format_size(result.total_size)),
        kpi_card(
            "Orphaned Images",
            format_count(orphaned_images),
            tone="warning" if orphaned_images else "success",
            hint="no sidecar",
        ),
        kpi_card(
            "Orphaned Sidecars",
            format_count(orphaned_sidecars),
            tone="warning" if orphaned_sidecars else "success",
            hint="no image",
        ),
        kpi_card("Paired", format_count(result.paired_count), hint="images with a sidecar"),
    )

    types = donut_chart(
        [Datum(extension_label(ext), n) for ext, n in _by_value(image_counts)],
        title="Image Type Distribution",
        caption="images",
    )
    storage = bar_chart(
        [Datum(extension_label(ext), size) for ext, size in _by_value(result.storage_by_type)],
        title="Storage by Type",
        value_format=format_size,
    )
    return render(
        kpis,
        tag("div", types, storage, class_="chart-row"),
        _pairing_block(result),
        _invalid_xmp_block(result),
    )


def _pairing_block(result: PhotoStatsResult) -> Markup:
    images, sidecars = result.orphaned_images, result.orphaned_sidecars
    orphans = images.count + sidecars.count
    if not orphans:
        return subsection(
            "File Pairing Status",
            notice(
                "Every image that needs a sidecar has one, and every sidecar has its image.",
                tone="success",
            ),
        )
    details = []
    if images.count:
        details.append(plural(images.count, "image") + " without XMP files")
    if sidecars.count:
        details.append(plural(sidecars.count, "XMP file") + " without images")
    return subsection(
        "File Pairing Status",
        notice(f"Found {plural(orphans, 'orphaned file')}", tone="warning", details=details),
        _orphan_table("Orphaned images", images, "Missing XMP sidecar"),
        _orphan_table("Orphaned sidecars", sidecars, "Missing image file"),
    )


def _orphan_table(title: str, files: FilesByFolder, issue: str) -> Markup | None:
    if not files.count:
        return None
    return render(
        tag("h4", f"{title} ({format_count(files.count)})"),
        data_table(
            ["Folder", "File", "Issue"], folder_rows(files.by_folder, issue), total=files.count
        ),
    )


def _invalid_xmp_block(result: PhotoStatsResult) -> Markup | None:
    if result.invalid_xmp is None:  # sidecars were not read in this run
        return None
    if not result.invalid_xmp:
        return subsection(
            "Sidecar Contents", notice("Every sidecar could be read.", tone="success")
        )
    return subsection(
        "Sidecar Contents",
        notice(
            f"Found {plural(len(result.invalid_xmp), 'sidecar')} that could not be read",
            tone="warning",
        ),
        data_table(
            ["File", "Problem"],
            ([tag("span", item.path, class_="path"), item.reason] for item in result.invalid_xmp),
            total=len(result.invalid_xmp),
        ),
    )
