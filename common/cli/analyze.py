"""`shuttersense analyze PATH`: run the tools on a folder, print a summary, write JSON/HTML."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import Any, BinaryIO

from ..analysis import analyse_listing, scan_for
from ..analysis_request import AnalysisRequest, parse_tools
from ..config import TeamConfig, load_team_config
from ..errors import OutputError
from ..json_stream import json_chunks
from ..pipeline import load_pipeline
from ..report import write_report
from ..results import AnalysisDocument
from .progress_bar import TerminalProgress
from .summary import summary_lines

__all__ = ["add_parser", "analyse_and_report", "run", "write_json"]


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "analyze",
        help="analyse a folder of photos",
        description="Scan PATH once and run PhotoStats, Photo Pairing and (with --pipeline) "
        "Pipeline Validation on it.",
    )
    parser.add_argument("path", type=Path, metavar="PATH", help="the collection folder")
    parser.add_argument(
        "--tools",
        metavar="LIST",
        help="comma-separated: photostats,photo_pairing,pipeline_validation (default: all that "
        "apply)",
    )
    parser.add_argument("--pipeline", type=Path, metavar="FILE", help="pipeline (JSON or YAML)")
    parser.add_argument("--config", type=Path, metavar="FILE", help="team config (JSON or YAML)")
    parser.add_argument("--json", metavar="OUT", help="write the results as JSON (- for stdout)")
    parser.add_argument("--report", type=Path, metavar="OUT.html", help="write the HTML report")
    parser.add_argument(
        "--check-sidecars",
        action="store_true",
        help="also read every XMP sidecar and report the ones that are malformed",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar, no summary")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    request = AnalysisRequest(
        root=args.path,
        config=load_team_config(args.config) if args.config else TeamConfig(),
        pipeline=load_pipeline(args.pipeline) if args.pipeline else None,
        tools=parse_tools(args.tools) if args.tools is not None else None,
        check_sidecars=args.check_sidecars,
        # A second core for half of the walk, PhotoStats and the hash, where forking is safe:
        # one thread.
        fork_helpers=threading.active_count() == 1,
    )
    document = analyse_and_report(request, args.report, quiet=args.quiet, keep=args.keep)
    args.keep.append(document)
    if args.json:
        write_json(document, args.json)
    if not args.quiet:
        out = sys.stderr if args.json == "-" else sys.stdout
        for line in summary_lines(document, report=args.report, json_out=args.json):
            print(line, file=out)
    return 0


def analyse_and_report(
    request: AnalysisRequest,
    report: Path | None,
    *,
    quiet: bool,
    keep: list[object] | None = None,
) -> AnalysisDocument:
    """Run the analysis, and write its HTML report when asked, behind a progress bar on stderr
    (drawn only on a terminal and without `quiet`). The listing goes into `keep` when given."""
    progress = TerminalProgress(sys.stderr, enabled=not quiet and sys.stderr.isatty())
    try:
        listing = scan_for(request, progress)
        if keep is not None:
            keep.append(listing)
        document = analyse_listing(request, listing, progress)
        if report is not None:
            progress.update("report", 0, 1)
            _write(report, lambda: write_report(document, report))
    finally:
        progress.close()
    return document


def write_json(document: AnalysisDocument, target: str) -> None:
    """Write the document as JSON to a file, or to stdout for `-`, as it is serialised."""
    if target == "-":
        _write_chunks(sys.stdout.buffer, document)
        sys.stdout.flush()
        return
    path = Path(target)
    _write(path, lambda: _write_file(path, document))


def _write_file(path: Path, document: AnalysisDocument) -> None:
    with path.open("wb") as out:
        _write_chunks(out, document)


def _write_chunks(out: BinaryIO, document: AnalysisDocument) -> None:
    for chunk in json_chunks(document):
        out.write(chunk)
    out.write(b"\n")


def _write(path: Path, action: Any) -> None:
    try:
        action()
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
