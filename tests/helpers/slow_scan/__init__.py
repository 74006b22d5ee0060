"""See sitecustomize.py: a slow scan for the agent processes the tests start."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

__all__ = ["slow_agent_scans"]


def slow_agent_scans(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Agent processes started from now on scan for `seconds` before the real scan."""
    folder = str(Path(__file__).parent)
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, (folder, os.environ.get("PYTHONPATH"))))
    )
    monkeypatch.setenv("SHUTTERSENSE_TEST_SLOW_SCAN", str(seconds))
