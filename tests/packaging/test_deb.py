"""The .deb as an operator uses it: lintian finds nothing to complain about; `dpkg -i` puts the
bundle in /opt/shuttersense with its programs on PATH, the menu entry, the icons, the systemd
units (not enabled) and the `shuttersense` system user; `dpkg -r` takes all that away but the
services' data; `dpkg --purge` takes the data too, leaving only the system user."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from shuttersense.common import __version__
from tests.helpers.bundle import require_packaging_tool

PACKAGE = "shuttersense"
DATA = Path("/var/lib/shuttersense")
UNITS = ("shuttersense-agent.service", "shuttersense-coordinator.service")
PROGRAMS = ("shuttersense-desktop", "shuttersense-agent", "shuttersense-coordinator")


def command(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=600, env=env, check=False)


def installed() -> bool:
    status = command("dpkg-query", "-W", "-f=${Status}", PACKAGE).stdout
    return status.endswith((" installed", " config-files"))


def test_lintian_finds_no_error_nor_warning(deb: Path) -> None:
    require_packaging_tool(shutil.which("lintian") is not None, "lintian is not installed")
    done = command("lintian", "--fail-on", "error,warning", str(deb))
    complaints = [line for line in done.stdout.splitlines() if line[:2] in ("E:", "W:")]
    assert (done.returncode, complaints) == (0, [])


@pytest.fixture
def dpkg(deb: Path) -> Iterator[Path]:
    """The package to install as root; purged afterwards whatever happens."""
    require_packaging_tool(shutil.which("dpkg") is not None, "dpkg is not here (not Debian)")
    require_packaging_tool(os.geteuid() == 0, "installing a .deb needs root")
    assert not installed(), f"{PACKAGE} is installed on this machine: the test would remove it"
    try:
        yield deb
    finally:
        if installed():
            command("dpkg", "--purge", PACKAGE)


def test_dpkg_installs_then_removes_then_purges(dpkg: Path) -> None:
    done = command("dpkg", "--force-unsafe-io", "-i", str(dpkg))  # no fsync per file: a test
    assert done.returncode == 0, done.stderr
    for program in PROGRAMS:
        answer = command(f"/usr/bin/{program}", "--version")
        assert answer.stdout == f"{program} {__version__}\n", answer.stderr
    assert Path("/usr/share/applications/shuttersense.desktop").is_file()
    assert Path("/usr/share/icons/hicolor/256x256/apps/shuttersense.png").is_file()
    assert Path("/usr/share/icons/hicolor/scalable/apps/shuttersense.svg").is_file()
    for unit in UNITS:
        text = Path("/lib/systemd/system", unit).read_text()
        assert f"ExecStart=/usr/bin/{unit.removesuffix('.service')} " in text
        assert not list(Path("/etc/systemd/system").rglob(unit))  # installed, not enabled
    user = pwd.getpwnam("shuttersense")
    assert (user.pw_dir, DATA.stat().st_uid) == (str(DATA), user.pw_uid)

    # What the coordinator's unit runs, as its user: the data goes to /var/lib/shuttersense.
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "SHUSAI_DATA_DIR": str(DATA), "HOME": str(DATA)}
    as_user = ("runuser", "-u", "shuttersense", "--")
    migrated = command(*as_user, "/usr/bin/shuttersense-coordinator", "migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    assert (DATA / "coordinator.db").is_file()

    removed = command("dpkg", "-r", PACKAGE)
    assert removed.returncode == 0, removed.stderr
    gone = [Path("/opt/shuttersense"), Path("/usr/share/applications/shuttersense.desktop")]
    gone += [Path("/usr/bin", program) for program in PROGRAMS]
    gone += [Path("/lib/systemd/system", unit) for unit in UNITS]
    assert [path for path in gone if os.path.lexists(path)] == []
    assert (DATA / "coordinator.db").is_file()  # removing keeps the data; purging does not

    purged = command("dpkg", "--purge", PACKAGE)
    assert purged.returncode == 0, purged.stderr
    assert not installed() and not DATA.exists()
    assert pwd.getpwnam("shuttersense")  # the system user stays (docs/deployment.md)
