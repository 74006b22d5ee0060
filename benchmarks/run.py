"""Benchmark `shuttersense analyze` against the floor of a bare directory walk.

Usage, from the repository root:

    .venv/bin/python -m benchmarks.run                       # 1,000,000 files in /tmp/ss-bench
    .venv/bin/python -m benchmarks.run --files 100000 --repeat 5 --keep
    .venv/bin/python -m benchmarks.run --report              # also time HTML report writing
    .venv/bin/python -m benchmarks.run --profile all --keep --report   # every collection shape

What it does:

1. Generates the synthetic collection (`python -m benchmarks.collection`, in a child process) in
   DIR/photos with its pipeline in DIR/pipeline.yaml, or reuses it when DIR/collection.json
   matches --files and --seed. With `--profile NAME|all` (benchmarks/profiles.py) each profile's
   collection lives in DIR/<profile>/ instead, DIR being /tmp/ss-bench-profiles unless --dir
   says otherwise; all of them are generated (or reused) before anything is measured.
2. For each collection, warms the page and dentry caches with one floor run (not counted).
3. Measures in the same run, alternating so that drift hits all of them equally, `--repeat`
   times each:
   - the floor: `python -m benchmarks.floor DIR/photos` (os.scandir + stat of every file);
   - `analyze --json`: `shuttersense analyze DIR/photos --tools photostats,photo_pairing,
     pipeline_validation --pipeline DIR/pipeline.yaml --json DIR/analysis.json --quiet`;
   - with --report, the same with `--report DIR/report.html` instead of `--json`, and with both;
     the difference of the medians with both and with `--json` alone is the cost of the report.
   Every measurement is a child process: wall time is time.perf_counter() around it, peak RSS is
   the child's own ru_maxrss from os.wait4 (not RUSAGE_CHILDREN, which is a running maximum) and
   CPU seconds its user + system time from the same call.
4. Prints a table per collection (best and median seconds, files/s, ratio to the floor, CPU
   seconds and their ratio, peak RSS),
   the sizes of the JSON document and the report, and checks every analyze run against the
   targets (median analyze / median floor <= 3.0, peak RSS < 1024 MB) and the aims (2.0, 500 MB);
   with --profile, a summary of all profiles. Writes benchmarks/results/latest.json (with
   --profile: profiles.json, and profile-<name>-files-<N>.json per profile; not committed).

A collection this run generated is deleted afterwards unless --keep; a reused one is left alone.
Exit status: 0 when the targets hold, 1 when one is missed, 2 when a command failed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .collection import (
    DEFAULT_SEED,
    OWN_NAMES,
    PHOTOS_DIR,
    PIPELINE_NAME,
    CollectionError,
    profile_root,
    read_marker,
)
from .figures import (
    RATIO_AIM,
    RATIO_TARGET,
    RSS_AIM_MB,
    RSS_TARGET_MB,
    check,
    check_lines,
    series_table,
    summarise_analysis,
    summary_table,
)
from .machine import machine_facts
from .measure import REPO_ROOT, CommandFailed, Series, load_average, run_once, warm_up
from .profiles import ALL, DEFAULT_PROFILE, PROFILES, select_profiles

__all__ = ["main"]

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_DIR = Path(tempfile.gettempdir()) / "ss-bench"
PROFILES_DIR = Path(tempfile.gettempdir()) / "ss-bench-profiles"
ALL_TOOLS = "photostats,photo_pairing,pipeline_validation"


def _shuttersense() -> list[str]:
    beside = Path(sys.executable).with_name("shuttersense")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("shuttersense")
    if found:
        return [found]
    return [sys.executable, "-m", "shuttersense.common.cli.main"]


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


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _ensure(root: Path, args: argparse.Namespace, profile: str) -> tuple[dict[str, object], bool]:
    """Generate or reuse the collection of `profile` in a child process; (marker, generated).

    This process must stay small until the last measurement: Linux keeps the peak RSS of the
    memory an exec replaces, so every child it starts reports at least this process's peak as
    its own ru_maxrss. Generating a flat tree here would raise the floor's figure, and reading a
    300 MB analysis document would raise every later one.
    """
    before = read_marker(root)
    where = [str(args.base)] if args.profile is None else [str(args.base), "--profile", profile]
    command = [sys.executable, "-m", "benchmarks.collection", *where]
    command += ["--files", str(args.files), "--seed", str(args.seed)]
    if subprocess.run(command, cwd=REPO_ROOT, check=False).returncode != 0:
        raise CollectionError(f"generating the {profile} collection failed (see above)")
    marker = read_marker(root)
    if marker is None:
        raise CollectionError(f"no marker in {root} after generating it")
    return marker, marker != before


def _bench(root: Path, marker: dict[str, object], args: argparse.Namespace) -> dict[str, Any]:
    """Measure the floor and analyze on the collection under `root`; print and return figures.

    The analysis document is read later, once nothing is left to measure (see `_ensure`)."""
    photos = str(root / PHOTOS_DIR)
    json_out = root / "analysis.json"
    html_out = root / "report.html"
    logs = root / "logs"
    logs.mkdir(exist_ok=True)

    analyze = [*_shuttersense(), "analyze", photos, "--tools", args.tools]
    analyze += ["--pipeline", str(root / PIPELINE_NAME), "--quiet"]
    to_json = ["--json", str(json_out)]
    to_html = ["--report", str(html_out)]
    floor = Series("floor", [sys.executable, "-m", "benchmarks.floor", photos])
    measured = [floor, Series("analyze --json", [*analyze, *to_json])]
    if args.report:
        measured.append(Series("analyze --report", [*analyze, *to_html]))
        measured.append(Series("analyze --json --report", [*analyze, *to_json, *to_html]))

    load_before = load_average()
    warm, files = warm_up(floor.command, logs / "warmup.log")
    print(f"warm-up floor: {warm.seconds:.2f} s, {files:,} files", flush=True)
    for round_number in range(1, args.repeat + 1):
        for item in measured:
            result = run_once(item, logs)
            print(
                f"  round {round_number}/{args.repeat}  {item.name:<23} "
                f"{result.seconds:8.2f} s  {result.max_rss_kib / 1024:8.1f} MB",
                flush=True,
            )
    load_after = load_average()

    checks = {item.name: check(item, floor) for item in measured[1:]}
    report_cost = measured[-1].median - measured[1].median if args.report else None
    json_bytes = _size(json_out)
    report_bytes = _size(html_out) if args.report else None
    print()
    print(series_table(measured, files))
    print()
    print("\n".join(check_lines(checks)))
    print(
        f"JSON document: {json_bytes or 0:,} bytes"
        + (f"; HTML report: {report_bytes or 0:,} bytes" if args.report else "")
    )
    if report_cost is not None:
        print(f"report writing (median difference): {report_cost:.2f} s")
    print(f"load average (1 min) before/after: {load_before} / {load_after}", flush=True)
    main_check = checks["analyze --json"]
    return {
        "profile": marker.get("profile", DEFAULT_PROFILE),
        "files": files,
        "dir": str(root),
        "collection": marker,
        # Other work on the machine skews timings: the 1-minute load before and after measuring.
        "load_average": {"before": load_before, "after": load_after},
        "warmup_floor_seconds": round(warm.seconds, 4),
        "series": {item.name: item.as_dict(files) for item in measured},
        "checks": checks,
        "ratio_median": main_check["ratio_median"],
        "ratio_best": main_check["ratio_best"],
        "report_seconds_median_difference": (
            round(report_cost, 3) if report_cost is not None else None
        ),
        "json_bytes": json_bytes,
        "report_bytes": report_bytes,
        "targets": {
            "ratio_max": RATIO_TARGET,
            "ratio_ok": all(item["ratio_ok"] for item in checks.values()),
            "rss_max_mb": RSS_TARGET_MB,
            "rss_ok": all(item["rss_ok"] for item in checks.values()),
            "ratio_aim": RATIO_AIM,
            "rss_aim_mb": RSS_AIM_MB,
        },
    }


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="Time `shuttersense analyze` against a bare os.scandir walk (the floor).",
    )
    parser.add_argument("--files", type=int, default=1_000_000, help="collection size (1000000)")
    parser.add_argument(
        "--dir",
        type=Path,
        help=f"work folder ({DEFAULT_DIR}; with --profile {PROFILES_DIR}, a folder per profile)",
    )
    parser.add_argument(
        "--profile",
        help=f"collection shapes to measure: {', '.join(PROFILES)} or {ALL}; without it, the "
        "default collection in DIR itself, as before profiles existed",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (3)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    parser.add_argument(
        "--keep", action="store_true", help="keep a collection generated by this run for re-runs"
    )
    parser.add_argument(
        "--report",
        action="store_true",
        help="also time analyze with --report (HTML), alone and with --json",
    )
    parser.add_argument("--tools", default=ALL_TOOLS, help=f"tools to run ({ALL_TOOLS})")
    parser.add_argument(
        "--output",
        type=Path,
        help="where to write the figures (benchmarks/results/latest.json; with --profile "
        "benchmarks/results/profiles.json)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    try:
        args.profiles = select_profiles(args.profile or DEFAULT_PROFILE)
    except ValueError as exc:
        parser.error(str(exc))
    base = args.dir or (DEFAULT_DIR if args.profile is None else PROFILES_DIR)
    args.base = base.resolve()
    results_file = "latest.json" if args.profile is None else "profiles.json"
    args.output = args.output or RESULTS_DIR / results_file
    return args


def _write(path: Path, figures: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


def _write_results(args: argparse.Namespace, results: dict[str, dict[str, Any]]) -> None:
    run_facts = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_facts(),
        "repeat": args.repeat,
        "tools": args.tools.split(","),
    }
    if args.profile is None:
        [figures] = results.values()
        text = {**run_facts, **figures}
        _write(args.output, text)
        # A copy per size, so the figures of a 100k and a 1M run can sit side by side.
        sized = args.output.with_name(f"files-{figures['files']}.json")
        _write(sized, text)
        print(f"figures written to {args.output} and {sized.name}")
    else:
        print("\nsummary (medians; ratio to the floor of the same profile and run)")
        print(summary_table(results))
        _write(args.output, {**run_facts, "seed": args.seed, "profiles": results})
        for name, figures in results.items():
            copy = args.output.with_name(f"profile-{name}-files-{figures['files']}.json")
            _write(copy, {**run_facts, **figures})
        print(f"figures written to {args.output} and profile-<name>-files-<N>.json beside it")


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    roots = {
        profile.name: args.base if args.profile is None else profile_root(args.base, profile.name)
        for profile in args.profiles
    }
    markers: dict[str, dict[str, object]] = {}
    generated: list[Path] = []
    for name, root in roots.items():
        print(f"collection {name}: {args.files:,} files in {root / PHOTOS_DIR}", flush=True)
        try:
            markers[name], made = _ensure(root, args, name)
        except CollectionError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if made:
            generated.append(root)

    results: dict[str, dict[str, Any]] = {}
    for name, root in roots.items():
        print(f"\n== {name}: {root / PHOTOS_DIR} ==", flush=True)
        try:
            results[name] = _bench(root, markers[name], args)
        except CommandFailed as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    for name, figures in results.items():
        figures["analysis"] = analysis = summarise_analysis(roots[name] / "analysis.json")
        print(f"\nanalysis of {name}:", json.dumps(analysis, indent=2))
        if analysis.get("total_files") not in (None, figures["files"]):
            print(
                f"warning: analyze saw {analysis.get('total_files')} files, the floor "
                f"{figures['files']}"
            )

    _write_results(args, results)
    if not args.keep:
        for root in generated:
            print(f"removing the generated collection {root} (use --keep to reuse it)")
            _remove_generated(root)
        if args.profile is not None:
            with contextlib.suppress(OSError):
                args.base.rmdir()
    met = all(f["targets"]["ratio_ok"] and f["targets"]["rss_ok"] for f in results.values())
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
