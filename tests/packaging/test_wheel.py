"""The wheel an operator installs the coordinator from (`python -m build --wheel`): it holds every
package, the migrations Alembic reads as files and the four programs, and its programs say the
same version as the bundle's."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from shuttersense.common import __version__
from tests.helpers.bundle import ROOT

MAINS = {
    "shuttersense-agent": "shuttersense.desktop.cli.main",
    "shuttersense-coordinator": "shuttersense.coordinator.cli",
    "shuttersense-desktop": "shuttersense.desktop.app.main",
}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (built,) = out.glob("*.whl")
    assert built.name == f"shuttersense-{__version__}-py3-none-any.whl"
    return built


def test_the_wheel_holds_the_code_the_migrations_and_the_programs(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    migrations = sorted(path.name for path in (ROOT / "migrations" / "versions").glob("0*.py"))
    for name in migrations:
        assert f"shuttersense/migrations/versions/{name}" in names
    assert "shuttersense/migrations/script.py.mako" in names
    assert "shuttersense/desktop/app/main.py" in names
    (entry_points,) = [name for name in names if name.endswith("entry_points.txt")]
    scripts = zipfile.ZipFile(wheel).read(entry_points).decode()
    for program in ("shuttersense", *MAINS):
        assert f"\n{program} = " in scripts


@pytest.fixture(scope="module")
def site(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel installed on its own into a folder (its dependencies are this venv's)."""
    target = tmp_path_factory.mktemp("site")
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target"]
    done = subprocess.run([*pip, str(target), str(wheel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return target


@pytest.mark.parametrize("program", sorted(MAINS))
def test_the_wheels_programs_say_the_bundles_version(site: Path, program: str) -> None:
    probe = (
        f"import sys, {MAINS[program]} as entry\n"
        f"assert entry.__file__.startswith({str(site)!r}), entry.__file__\n"
        "sys.exit(entry.main(['--version']))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout) == (0, f"{program} {__version__}\n"), done.stderr
