"""The command lines of the app's child processes: this Python with the program's module, or
the frozen bundle's one executable with the program's name first (packaging/bundle_entry.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from shuttersense.desktop.app.services.child_commands import program_command


def test_from_source_the_same_interpreter_runs_the_program_s_module() -> None:
    assert program_command("coordinator", "serve", "--port", "1") == [
        sys.executable,
        "-m",
        "shuttersense.coordinator",
        "serve",
        "--port",
        "1",
    ]
    assert program_command("agent", "start")[:3] == [
        sys.executable,
        "-m",
        "shuttersense.desktop.cli.main",
    ]


def test_frozen_the_bundle_s_executable_dispatches_on_the_program_s_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert program_command("coordinator", "migrate") == [sys.executable, "coordinator", "migrate"]
    assert program_command("agent", "start") == [sys.executable, "agent", "start"]


@pytest.mark.parametrize("program", ["agent", "coordinator"])
def test_the_commands_run(program: str) -> None:
    done = subprocess.run(
        program_command(program, "--help"),  # type: ignore[arg-type]
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"shuttersense-{program}" in done.stdout
