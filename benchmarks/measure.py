"""Running the benchmark's commands as children: wall time and each child's own peak RSS."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "REPO_ROOT",
    "CommandFailed",
    "Measurement",
    "Series",
    "load_average",
    "measure",
    "run_once",
    "warm_up",
]

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Measurement:
    seconds: float
    max_rss_kib: int
    returncode: int
    # User + system CPU of the child and of the helpers it forked and reaped: far steadier than
    # wall time when other work shares the machine.
    cpu_seconds: float = 0.0


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
    def cpu_median(self) -> float:
        return statistics.median(run.cpu_seconds for run in self.runs)

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
            "cpu_seconds": [round(run.cpu_seconds, 3) for run in self.runs],
            "cpu_seconds_median": round(self.cpu_median, 3),
        }


class CommandFailed(Exception):
    def __init__(self, command: list[str], returncode: int, log: Path) -> None:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:] if log.exists() else ""
        super().__init__(f"{' '.join(command)} exited with {returncode}\n{tail}")


def measure(command: list[str], log: Path) -> Measurement:
    """Run `command` as a child; its wall time, its own peak RSS (KiB on Linux) and its CPU time."""
    with open(log, "wb") as out:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Measurement(seconds, usage.ru_maxrss, child.returncode, cpu)


def run_once(series: Series, logs: Path) -> Measurement:
    """One more run of `series`, logged to logs/; CommandFailed when it fails."""
    log = logs / f"{series.name.replace(' ', '_')}-{len(series.runs) + 1}.log"
    result = measure(series.command, log)
    if result.returncode != 0:
        raise CommandFailed(series.command, result.returncode, log)
    series.runs.append(result)
    return result


def load_average() -> float | None:
    """The 1-minute load average: other work on the machine skews timings."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def warm_up(command: list[str], log: Path) -> tuple[Measurement, int]:
    """One floor run to fill the page and dentry caches; returns it and the files it counted."""
    result = measure(command, log)
    try:
        files = int(json.loads(log.read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        files = -1
    if result.returncode != 0 or files < 0:
        raise CommandFailed(command, result.returncode, log)
    return result, files
