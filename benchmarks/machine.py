"""The machine a benchmark ran on, and how its CPU time was shared during a run (Linux /proc)."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

__all__ = ["Cpu", "cpu_seconds", "machine_facts", "process_tree"]

REPO_ROOT = Path(__file__).resolve().parent.parent


def machine_facts() -> dict[str, object]:
    """CPU, memory, platform, Python and the commit, for the record of a run."""
    info: dict[str, object] = {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        # Set in this project's sandboxes: the repo's own modules are then compiled at every start.
        "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE"),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        info["git_commit"] = commit or None
    except OSError:
        info["git_commit"] = None
    return info


def _ticks(pid: int) -> int:
    """User + system clock ticks of one process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == pid:
                found.append(int(entry.name))
    return found


def _machine_ticks() -> tuple[int, int]:
    """(all, idle) clock ticks of the machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(values), values[3] + values[4]


def process_tree(pid: int) -> list[int]:
    """`pid` and its direct children (a uvicorn master and its workers)."""
    return [pid, *_children(pid)]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by these processes (0 for those gone)."""
    return sum(_ticks(pid) for pid in pids) / os.sysconf("SC_CLK_TCK")


class Cpu:
    """CPU shares of a process tree (the server) and the rest of the machine over a window."""

    def __init__(self, pid: int) -> None:
        self.pids = process_tree(pid)
        self.hz = os.sysconf("SC_CLK_TCK")
        self.began: tuple[list[int], tuple[int, int]] | None = None

    def start(self) -> None:
        self.began = ([_ticks(pid) for pid in self.pids], _machine_ticks())

    def shares(self, client_seconds: float) -> dict[str, Any]:
        """Client, server, other and idle as fractions of all the machine's CPU time, the
        server's CPU seconds, and those of each of its processes (the master first)."""
        assert self.began is not None, "start() first"
        each0, (all0, idle0) = self.began
        all1, idle1 = _machine_ticks()
        total = max(1, all1 - all0)
        each = [_ticks(pid) - before for pid, before in zip(self.pids, each0, strict=True)]
        server = sum(each) / total
        client = client_seconds * self.hz / total
        idle = (idle1 - idle0) / total
        return {
            "client": client,
            "server": server,
            "idle": idle,
            "other": max(0.0, 1 - client - server - idle),
            "server_seconds": sum(each) / self.hz,
            "server_process_seconds": [ticks / self.hz for ticks in each],
        }
