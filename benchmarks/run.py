"""Benchmark `shuttersense analyze` against the floor of a bare directory walk.

Usage, from the repository root:

    .venv/bin/python -m benchmarks.run                       # 1,000,000 files in /tmp/ss-bench
    .venv/bin/python -m benchmarks.run --files 100000 --repeat 5 --keep
    .venv/bin/python -m benchmarks.run --report              # also time HTML report writing

What it does:

1. Generates the synthetic collection (benchmarks/collection.py) in DIR/photos with its pipeline
   in DIR/pipeline.yaml, or reuses it when DIR/collection.json matches --files and --seed.
2. Warms the page and dentry caches with one floor run (not counted).
3. Measures in the same run, alternating so that drift hits both equally, `--repeat` times each:
   - the floor: `python -m benchmarks.floor DIR/photos` (os.scandir + stat of every file);
   - analyze: `shuttersense analyze DIR/photos --tools photostats,photo_pairing,pipeline_validation
     --pipeline DIR/pipeline.yaml --json DIR/analysis.json --quiet`;
   - with --report, analyze again with `--report DIR/report.html` added; the difference of the
     medians is the cost of writing the report.
   Every measurement is a child process: wall time is time.perf_counter() around it and peak RSS is
   the child's own ru_maxrss from os.wait4 (not RUSAGE_CHILDREN, which is a running maximum).
4. Prints a table (best and median seconds, files/s, peak RSS) and checks the targets: median
   analyze / median floor <= 3.0, and analyze peak RSS < 1024 MB. Writes
   benchmarks/results/latest.json (not committed).

A collection this run generated is deleted afterwards unless --keep; a reused one is left alone.
Exit status: 0 when the targets hold, 1 when one is missed, 2 when a command failed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .collection import (
    DEFAULT_SEED,
    MARKER_NAME,
    OWN_NAMES,
    PHOTOS_DIR,
    PIPELINE_NAME,
    CollectionError,
    ensure_collection,
)
from .machine import machine_facts

__all__ = ["Measurement", "Series", "main", "measure"]

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_DIR = Path(tempfile.gettempdir()) / "ss-bench"
ALL_TOOLS = "photostats,photo_pairing,pipeline_validation"
RATIO_TARGET = 3.0
RSS_TARGET_MB = 1024.0


@dataclass(frozen=True)
class Measurement:
    seconds: float
    max_rss_kib: int
    returncode: int


@dataclass
class Series:
    """Repeated runs of one command."""

    name: str
    command: list[str]
    runs: list[Measurement] = field(default_factory=list)

    @property
    def times(self) -> list[float]:
        return [run.seconds for run in self.runs]

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak_rss_mb(self) -> float:
        return max(run.max_rss_kib for run in self.runs) / 1024

    def as_dict(self, files: int) -> dict[str, object]:
        return {
            "command": self.command,
            "seconds": [round(t, 4) for t in self.times],
            "best_seconds": round(self.best, 4),
            "median_seconds": round(self.median, 4),
            "files_per_second_median": round(files / self.median),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "rss_mb": [round(run.max_rss_kib / 1024, 1) for run in self.runs],
        }


class CommandFailed(Exception):
    def __init__(self, command: list[str], returncode: int, log: Path) -> None:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:] if log.exists() else ""
        super().__init__(f"{' '.join(command)} exited with {returncode}\n{tail}")


def measure(command: list[str], log: Path) -> Measurement:
    """Run `command` as a child; its wall time and its own peak RSS (KiB on Linux)."""
    with open(log, "wb") as out:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return Measurement(seconds, usage.ru_maxrss, child.returncode)


def _run(series: Series, logs: Path) -> Measurement:
    log = logs / f"{series.name.replace(' ', '_')}-{len(series.runs) + 1}.log"
    result = measure(series.command, log)
    if result.returncode != 0:
        raise CommandFailed(series.command, result.returncode, log)
    series.runs.append(result)
    return result


def _load() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def _warm_up(command: list[str], log: Path) -> tuple[Measurement, int]:
    """One floor run to fill the page and dentry caches; returns it and the files it counted."""
    result = measure(command, log)
    try:
        files = int(json.loads(log.read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        files = -1
    if result.returncode != 0 or files < 0:
        raise CommandFailed(command, result.returncode, log)
    return result, files


def _shuttersense() -> list[str]:
    beside = Path(sys.executable).with_name("shuttersense")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("shuttersense")
    if found:
        return [found]
    return [sys.executable, "-m", "shuttersense.common.cli.main"]


def _summarise_analysis(path: Path) -> dict[str, object]:
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
    stats = results.get("photostats") or {}
    if stats:
        summary["photostats"] = {
            "total_files": stats.get("total_files"),
            "orphaned_images": len(stats.get("orphaned_images", [])),
            "orphaned_xmp": len(stats.get("orphaned_xmp", [])),
        }
    pairing = results.get("photo_pairing") or {}
    if pairing:
        summary["photo_pairing"] = {
            "group_count": pairing.get("group_count"),
            "image_count": pairing.get("image_count"),
            "invalid_files": len(pairing.get("invalid_files", [])),
        }
    validation = results.get("pipeline_validation") or {}
    if validation:
        summary["pipeline_validation"] = {
            "total_images": validation.get("total_images"),
            "status_counts": validation.get("status_counts"),
            "overall_status": validation.get("overall_status"),
            "by_termination": validation.get("by_termination"),
            "images_listed": len(validation.get("images", [])),
        }
    return summary


def _table(series: list[Series], files: int) -> str:
    header = (
        f"{'command':<18}{'best s':>9}{'median s':>10}{'files/s':>12}{'peak RSS MB':>13}  runs (s)"
    )
    lines = [header, "-" * len(header)]
    for item in series:
        runs = ", ".join(f"{t:.2f}" for t in item.times)
        lines.append(
            f"{item.name:<18}{item.best:>9.2f}{item.median:>10.2f}"
            f"{files / item.median:>12,.0f}{item.peak_rss_mb:>13.1f}  {runs}"
        )
    return "\n".join(lines)


def _remove_generated(root: Path) -> None:
    """Delete what benchmarks made in `root`, then `root` itself if that leaves it empty."""
    for name in OWN_NAMES:
        path = root / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        root.rmdir()


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="Time `shuttersense analyze` against a bare os.scandir walk (the floor).",
    )
    parser.add_argument("--files", type=int, default=1_000_000, help="collection size (1000000)")
    parser.add_argument(
        "--dir", type=Path, default=DEFAULT_DIR, help=f"work folder ({DEFAULT_DIR})"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (3)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    parser.add_argument(
        "--keep", action="store_true", help="keep a collection generated by this run for re-runs"
    )
    parser.add_argument(
        "--report", action="store_true", help="also time analyze with --report (HTML)"
    )
    parser.add_argument("--tools", default=ALL_TOOLS, help=f"tools to run ({ALL_TOOLS})")
    parser.add_argument(
        "--output",
        type=Path,
        default=RESULTS_DIR / "latest.json",
        help="where to write the figures (benchmarks/results/latest.json)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    root: Path = args.dir.resolve()
    print(f"collection: {args.files:,} files in {root / PHOTOS_DIR}", flush=True)
    try:
        marker, generated = ensure_collection(root, args.files, args.seed)
    except CollectionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not generated:
        print(f"reusing the collection (marker {root / MARKER_NAME})", flush=True)
    photos = str(root / PHOTOS_DIR)
    json_out = root / "analysis.json"
    html_out = root / "report.html"
    logs = root / "logs"
    logs.mkdir(exist_ok=True)

    analyze_base = [*_shuttersense(), "analyze", photos, "--tools", args.tools]
    analyze_base += ["--pipeline", str(root / PIPELINE_NAME), "--json", str(json_out)]
    floor = Series("floor", [sys.executable, "-m", "benchmarks.floor", photos])
    analyze = Series("analyze", [*analyze_base, "--quiet"])
    report = Series("analyze --report", [*analyze_base, "--report", str(html_out), "--quiet"])
    measured = [floor, analyze] + ([report] if args.report else [])

    load_before = _load()
    try:
        warm, floor_files = _warm_up(floor.command, logs / "warmup.log")
        print(f"warm-up floor: {warm.seconds:.2f} s, {floor_files:,} files", flush=True)
        for round_number in range(1, args.repeat + 1):
            for item in measured:
                result = _run(item, logs)
                print(
                    f"  round {round_number}/{args.repeat}  {item.name:<17} "
                    f"{result.seconds:8.2f} s  {result.max_rss_kib / 1024:8.1f} MB",
                    flush=True,
                )
    except CommandFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    analysis = _summarise_analysis(json_out)
    files = floor_files
    ratio = analyze.median / floor.median
    ratio_ok = ratio <= RATIO_TARGET
    rss_ok = analyze.peak_rss_mb < RSS_TARGET_MB
    print()
    print(_table(measured, files))
    print()
    print(
        f"ratio analyze/floor (medians): {ratio:.2f}  target <= {RATIO_TARGET}  "
        f"{'OK' if ratio_ok else 'MISSED'}"
    )
    print(
        f"analyze peak RSS: {analyze.peak_rss_mb:.1f} MB  target < {RSS_TARGET_MB:.0f} MB  "
        f"{'OK' if rss_ok else 'MISSED'}"
    )
    report_cost = None
    if args.report:
        report_cost = report.median - analyze.median
        print(f"report writing (median difference): {report_cost:.2f} s")
    if analysis.get("total_files") not in (None, files):
        print(f"warning: analyze saw {analysis.get('total_files')} files, the floor {files}")
    print("analysis:", json.dumps(analysis, indent=2))

    figures = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        # Other work on the machine skews timings: the 1-minute load before and after measuring.
        "load_average": {"before": load_before, "after": _load()},
        "machine": machine_facts(),
        "files": files,
        "dir": str(root),
        "collection": marker,
        "repeat": args.repeat,
        "tools": args.tools.split(","),
        "warmup_floor_seconds": round(warm.seconds, 4),
        "series": {item.name: item.as_dict(files) for item in measured},
        "ratio_median": round(ratio, 3),
        "ratio_best": round(analyze.best / floor.best, 3),
        "report_seconds_median_difference": (
            round(report_cost, 3) if report_cost is not None else None
        ),
        "targets": {
            "ratio_max": RATIO_TARGET,
            "ratio_ok": ratio_ok,
            "rss_max_mb": RSS_TARGET_MB,
            "rss_ok": rss_ok,
        },
        "analysis": analysis,
    }
    text = json.dumps(figures, indent=2) + "\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    # A copy per size, so the figures of a 100k and a 1M run can sit side by side.
    sized = args.output.with_name(f"files-{files}.json")
    sized.write_text(text, encoding="utf-8")
    print(f"load average (1 min) before/after: {load_before} / {figures['load_average']['after']}")
    print(f"figures written to {args.output} and {sized.name}")

    if generated and not args.keep:
        print(f"removing the generated collection {root} (use --keep to reuse it)")
        _remove_generated(root)
    return 0 if ratio_ok and rss_ok else 1


if __name__ == "__main__":
    sys.exit(main())
