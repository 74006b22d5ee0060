"""The distribution lists every package of the tree and the dashboard's files, so a wheel holds
all the code; the service units start commands that exist; the programs all say the
distribution's version."""

from __future__ import annotations

import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from shuttersense.coordinator import cli as coordinator_cli
from shuttersense.desktop.cli import main as agent_cli

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_folder_is_in_the_distribution() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    folders = {folder: name for name, folder in config["package-dir"].items()}
    found = set()
    for folder, name in folders.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder)
            found.add(".".join([name, *relative.parts]))
    assert found == set(config["packages"])


def test_the_dashboards_templates_and_files_are_in_the_distribution() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    globs = config["package-data"]["shuttersense.coordinator.web"]
    web = ROOT / "coordinator" / "web"
    files = [path for path in web.rglob("*") if path.is_file() and path.suffix != ".py"]
    files = [path for path in files if "__pycache__" not in path.parts]
    assert {path.parent.name for path in files} == {"templates", "static"}
    missing = [p for p in files if not any(p.relative_to(web).match(glob) for glob in globs)]
    assert missing == []


def _exec_start(unit: Path) -> list[str]:
    lines = unit.read_text(encoding="utf-8").splitlines()
    (command,) = [
        line.removeprefix("ExecStart=") for line in lines if line.startswith("ExecStart=")
    ]
    return shlex.split(command)


def test_every_systemd_unit_runs_a_command_our_programs_accept() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    parsers = {
        "shuttersense-coordinator": coordinator_cli.build_parser(),
        "shuttersense-agent": agent_cli.build_parser(),
    }
    units = sorted((ROOT / "packaging" / "systemd").glob("*.service"))
    assert {unit.stem for unit in units} == set(parsers)
    for unit in units:
        program, *arguments = _exec_start(unit)
        name = Path(program).name
        assert name == unit.stem and name in scripts
        parsers[name].parse_args(arguments)  # an unknown option ends the test (SystemExit)


@pytest.mark.parametrize(
    "program",
    ["shuttersense", "shuttersense-agent", "shuttersense-coordinator", "shuttersense-desktop"],
)
def test_every_program_says_the_distributions_version(program: str) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]
    done = subprocess.run(
        [str(Path(sys.executable).with_name(program)), "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, f"{program} {version}\n")
