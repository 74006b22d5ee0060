"""`shuttersense demo [DIR]`: build the sample collection, analyse it, write the report."""

from __future__ import annotations

import argparse
import shlex
import shutil
from pathlib import Path
from typing import Any

from ..analysis_request import AnalysisRequest
from ..config import load_team_config
from ..demo import MARKER, DemoCollection, build_demo
from ..errors import OutputError
from ..pipeline import load_pipeline
from .analyze import analyse_and_report, write_json
from .summary import summary_lines

__all__ = ["add_parser", "rerun_command", "run"]

DEFAULT_DIR = Path("shuttersense-demo")


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "demo",
        help="create a sample collection, analyse it and write the report",
        description="Create a realistic sample collection in DIR (default ./shuttersense-demo), "
        "run all three tools on it and write report.html and results.json beside it.",
    )
    parser.add_argument("dir", type=Path, nargs="?", default=DEFAULT_DIR, metavar="DIR")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only where things are")
    parser.set_defaults(run=run)


def _prepare(target: Path) -> None:
    if target.is_file():
        raise OutputError(f"{target} is a file; choose a folder for the demo")
    if target.is_dir() and any(target.iterdir()):
        if not (target / MARKER).is_file():
            raise OutputError(
                f"{target} already holds files that the demo did not make; choose another folder"
            )
        shutil.rmtree(target)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {target}: {exc.strerror or exc}") from exc


def run(args: argparse.Namespace) -> int:
    target: Path = args.dir
    _prepare(target)
    demo = build_demo(target)
    request = AnalysisRequest(
        root=demo.collection,
        config=load_team_config(demo.config),
        pipeline=load_pipeline(demo.pipeline),
        check_sidecars=True,
    )
    report = target / "report.html"
    document = analyse_and_report(request, report, quiet=args.quiet)
    json_path = target / "results.json"
    write_json(document, str(json_path))
    if not args.quiet:
        print(f"Created a sample collection of {len(demo.files)} files in {demo.collection}")
        for line in summary_lines(document, report=report, json_out=str(json_path)):
            print(line)
    else:
        print(f"Report: {report.resolve()}")
    print(
        f"Open the report in a browser. To analyse it yourself:\n  {rerun_command(request, demo)}"
    )
    return 0


def rerun_command(request: AnalysisRequest, demo: DemoCollection) -> str:
    """The `shuttersense analyze` line that repeats the demo's analysis with every option it
    used, writing its report and JSON in the current folder."""
    argv = ["shuttersense", "analyze", str(request.root)]
    argv += ["--pipeline", str(demo.pipeline), "--config", str(demo.config)]
    if request.tools is not None:
        argv += ["--tools", ",".join(tool.value for tool in request.tools)]
    if request.check_sidecars:
        argv.append("--check-sidecars")
    argv += ["--report", "report.html", "--json", "results.json"]
    return shlex.join(argv)
