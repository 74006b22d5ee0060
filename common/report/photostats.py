"""The PhotoStats section: counts, storage and sidecar pairing (analysis spec 4.5)."""

from __future__ import annotations

from ..results import PhotoStatsResult
from .format import format_count, format_size, plural
from .html import Markup, data_table, kpi_card, kpi_grid, notice, render, subsection, tag
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
    orphaned_images = len(result.orphaned_images)
    orphaned_sidecars = len(result.orphaned_xmp)

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
    orphans = len(result.orphaned_images) + len(result.orphaned_xmp)
    if not orphans:
        return subsection(
            "File Pairing Status",
            notice(
                "Every image that needs a sidecar has one, and every sidecar has its image.",
                tone="success",
            ),
        )
    details = []
    if result.orphaned_images:
        details.append(plural(len(result.orphaned_images), "image") + " without XMP files")
    if result.orphaned_xmp:
        details.append(plural(len(result.orphaned_xmp), "XMP file") + " without images")
    return subsection(
        "File Pairing Status",
        notice(f"Found {plural(orphans, 'orphaned file')}", tone="warning", details=details),
        _orphan_table("Orphaned images", result.orphaned_images, "Missing XMP sidecar"),
        _orphan_table("Orphaned sidecars", result.orphaned_xmp, "Missing image file"),
    )


def _orphan_table(title: str, paths: list[str], issue: str) -> Markup | None:
    if not paths:
        return None
    rows = ([tag("span", path, class_="path"), issue] for path in paths)
    return render(
        tag("h4", f"{title} ({format_count(len(paths))})"),
        data_table(["File", "Issue"], rows, total=len(paths)),
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
