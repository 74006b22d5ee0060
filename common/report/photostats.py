"""The PhotoStats section: counts, storage and sidecar pairing (analysis spec 4.5)."""

from __future__ import annotations

from ..results import FilesByFolder, PhotoStatsResult
from .format import format_count, format_size, plural
from .html import (
    Markup,
    collapsible,
    data_table,
    folder_list,
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
            "Image files", format_count(sum(image_counts.values())), hint="not counting sidecars"
        ),
        kpi_card(
            "Files (incl. sidecars)",
            format_count(result.total_files),
            hint=format_size(result.total_size),
        ),
        kpi_card(
            "Orphaned images",
            format_count(orphaned_images),
            tone="warning" if orphaned_images else "success",
            hint="no sidecar",
        ),
        kpi_card(
            "Orphaned sidecars",
            format_count(orphaned_sidecars),
            tone="warning" if orphaned_sidecars else "success",
            hint="no image",
        ),
        kpi_card("Paired", format_count(result.paired_count), hint="images with a sidecar"),
    )

    types = donut_chart(
        [Datum(extension_label(ext), n) for ext, n in _by_value(image_counts)],
        title="Image Type Distribution",
        caption="image files",
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
        _not_analysed_block(result),
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
        _orphans("image", "missing its sidecar", images),
        _orphans("sidecar", "missing its image", sidecars),
    )


def _orphans(one: str, issue: str, files: FilesByFolder) -> Markup | None:
    if not files.count:
        return None
    summary = f"Orphaned {one}s: {format_count(files.count)}, each {issue}"
    return collapsible(summary, folder_list(files.by_folder, total=files.count, one=one))


def _invalid_xmp_block(result: PhotoStatsResult) -> Markup | None:
    if result.invalid_xmp is None:  # sidecars were not read in this run
        return None
    if not result.invalid_xmp:
        return subsection(
            "Sidecar Contents", notice("Every sidecar could be read.", tone="success")
        )
    count = len(result.invalid_xmp)
    table = data_table(
        ["File", "Problem"],
        ([tag("span", item.path, class_="path"), item.reason] for item in result.invalid_xmp),
        total=count,
        one="sidecar",
    )
    return subsection(
        "Sidecar Contents",
        notice(f"Found {plural(count, 'sidecar')} that could not be read", tone="warning"),
        collapsible(f"Unreadable sidecars: {format_count(count)}", table),
    )


def _not_analysed_block(result: PhotoStatsResult) -> Markup | None:
    if not result.not_analysed:
        return None
    items = sorted(result.not_analysed.items(), key=lambda item: (-item[1].count, item[0]))
    rows = (
        [
            extension or "(none)",
            format_count(files.count),
            format_size(files.size),
            render(tag("div", path, class_="path") for path in files.examples),
        ]
        for extension, files in items
    )
    count = sum(files.count for files in result.not_analysed.values())
    return subsection(
        "Files not analysed",
        data_table(
            ["Extension", "Files", "Size", "Examples"],
            rows,
            total=len(items),
            numeric=(1, 2),
            one="extension",
        ),
        description=f"{plural(count, 'file')} of types no tool counts: neither a photo nor a "
        "sidecar extension of this run. Add an extension to photo_extensions or "
        "metadata_extensions in the team config (--config FILE) to count it.",
    )
