"""What benchmarks.run makes of its measurements: target checks, tables, the analysis summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shuttersense.common.result_reading import read_tool_result
from shuttersense.common.results import (
    PhotoPairingResult,
    PhotoStatsResult,
    ToolResult,
)

from .measure import Series

__all__ = [
    "RATIO_AIM",
    "RATIO_TARGET",
    "RSS_AIM_MB",
    "RSS_TARGET_MB",
    "check",
    "check_lines",
    "series_table",
    "summarise_analysis",
    "summary_table",
]

# Targets of issue 10 at 1,000,000 files, and the aims beyond them.
RATIO_TARGET = 3.0
RSS_TARGET_MB = 1024.0
RATIO_AIM = 2.0
RSS_AIM_MB = 500.0


def check(series: Series, floor: Series) -> dict[str, Any]:
    """One analyze series against the floor: its ratios, peak RSS, and which bounds it meets."""
    ratio = series.median / floor.median
    rss = series.peak_rss_mb
    return {
        "ratio_median": round(ratio, 3),
        "ratio_best": round(series.best / floor.best, 3),
        "cpu_ratio_median": round(series.cpu_median / floor.cpu_median, 3),
        "peak_rss_mb": round(rss, 1),
        "ratio_ok": ratio <= RATIO_TARGET,
        "rss_ok": rss < RSS_TARGET_MB,
        "ratio_aim_ok": ratio <= RATIO_AIM,
        "rss_aim_ok": rss < RSS_AIM_MB,
    }


def _mark(ok: bool, aim_ok: bool) -> str:
    return "aim met" if aim_ok else ("OK" if ok else "MISSED")


def check_lines(checks: dict[str, dict[str, Any]]) -> list[str]:
    """A line per analyze series: ratio and RSS against the target and the aim."""
    lines = [
        f"targets: ratio (medians) <= {RATIO_TARGET} and peak RSS < {RSS_TARGET_MB:.0f} MB; "
        f"aims: <= {RATIO_AIM} and < {RSS_AIM_MB:.0f} MB"
    ]
    for name, item in checks.items():
        lines.append(
            f"  {name:<24} ratio {item['ratio_median']:6.2f} "
            f"{_mark(item['ratio_ok'], item['ratio_aim_ok']):<8} "
            f"peak RSS {item['peak_rss_mb']:8.1f} MB {_mark(item['rss_ok'], item['rss_aim_ok'])}"
        )
    return lines


def series_table(series: list[Series], files: int) -> str:
    """Best and median seconds, files/s, ratio to the floor (the first series), median CPU
    seconds and their ratio, and peak RSS."""
    header = (
        f"{'command':<24}{'best s':>9}{'median s':>10}{'files/s':>12}{'ratio':>7}"
        f"{'CPU s':>8}{'CPU ratio':>10}{'peak RSS MB':>13}  runs (s)"
    )
    lines = [header, "-" * len(header)]
    floor = series[0]
    for item in series:
        runs = ", ".join(f"{t:.2f}" for t in item.times)
        lines.append(
            f"{item.name:<24}{item.best:>9.2f}{item.median:>10.2f}{files / item.median:>12,.0f}"
            f"{item.median / floor.median:>7.2f}{item.cpu_median:>8.2f}"
            f"{item.cpu_median / floor.cpu_median:>10.2f}{item.peak_rss_mb:>13.1f}  {runs}"
        )
    return "\n".join(lines)


def _mb(size: object) -> str:
    return f"{size / 1e6:.1f}" if isinstance(size, int) else "-"


def summary_table(results: dict[str, dict[str, Any]]) -> str:
    """One row per profile and analyze series, from the figures of benchmarks.run."""
    header = (
        f"{'profile':<11}{'files':>11}  {'command':<24}{'median s':>9}{'floor s':>9}{'ratio':>7}"
        f"{'CPU ratio':>10}{'peak RSS MB':>13}{'JSON MB':>9}{'report MB':>11}  target / aim"
    )
    lines = [header, "-" * len(header)]
    for profile, figures in results.items():
        floor = figures["series"]["floor"]["median_seconds"]
        for name, item in figures["checks"].items():
            met = item["ratio_ok"] and item["rss_ok"]
            aim = item["ratio_aim_ok"] and item["rss_aim_ok"]
            lines.append(
                f"{profile:<11}{figures['files']:>11,}  {name:<24}"
                f"{figures['series'][name]['median_seconds']:>9.2f}{floor:>9.2f}"
                f"{item['ratio_median']:>7.2f}{item['cpu_ratio_median']:>10.2f}"
                f"{item['peak_rss_mb']:>13.1f}"
                f"{_mb(figures['json_bytes']) if '--json' in name else '-':>9}"
                f"{_mb(figures['report_bytes']) if '--report' in name else '-':>11}  "
                f"{'met' if met else 'MISSED'} / {'met' if aim else 'not yet'}"
            )
    return "\n".join(lines)


def summarise_analysis(path: Path) -> dict[str, object]:
    """A few figures from the analyze JSON, to check the run did the work we think it did."""
    try:
        size = path.stat().st_size
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {"error": f"cannot read {path}: {exc}"}
    results = doc.get("results", {})
    summary: dict[str, object] = {
        "json_bytes": size,
        "total_files": doc.get("collection", {}).get("total_files"),
        "scan_time": doc.get("scan_time"),
        "skipped": doc.get("skipped"),
        "scan_issues": len(doc.get("scan_issues", [])),
    }
    for tool, payload in results.items():
        try:
            result = read_tool_result(payload)
        except ValueError as exc:
            summary[tool] = {"error": f"unreadable result: {exc}"}
            continue
        summary[tool] = _tool_figures(result)
    return summary


def _tool_figures(result: ToolResult) -> dict[str, object]:
    if isinstance(result, PhotoStatsResult):
        return {
            "total_files": result.total_files,
            "orphaned_images": result.orphaned_images.count,
            "orphaned_sidecars": result.orphaned_sidecars.count,
        }
    if isinstance(result, PhotoPairingResult):
        return {
            "group_count": result.group_count,
            "image_count": result.image_count,
            "invalid_files": result.invalid_file_count,
            "name_collisions": result.name_collision_count,
        }
    return {
        "total_images": result.total_images,
        "status_counts": result.status_counts,
        "overall_status": result.overall_status,
        "by_termination": result.by_termination,
        "issues": len(result.issues),  # each a combination of termination patterns
    }
