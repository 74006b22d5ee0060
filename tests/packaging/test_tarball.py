"""The Linux .tar.gz as a photographer uses it: unpacked, `install.sh` into their home, the app
from the menu's entry and the agent from ~/.local/bin, then `uninstall.sh` leaving the home as
it found it (their data too with --purge); a file it did not make is never overwritten."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from shuttersense.common import __version__
from tests.helpers.bundle import require_packaging_tool

SIZES = ("16x16", "22x22", "24x24", "32x32", "48x48", "64x64", "128x128", "256x256", "512x512")


@pytest.fixture(scope="module")
def unpacked(tarball: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    into = tmp_path_factory.mktemp("download")
    subprocess.run(["tar", "-xzf", str(tarball), "-C", str(into)], check=True)
    (folder,) = into.iterdir()
    return folder


def snapshot(home: Path) -> dict[str, tuple[str, int]]:
    """Every path under `home`: what it is and its permission bits (files: with their size)."""
    found = {}
    for path in sorted(home.rglob("*")):
        info = path.lstat()
        kind = "link" if path.is_symlink() else "dir" if path.is_dir() else f"file {info.st_size}"
        found[str(path.relative_to(home))] = (kind, stat.S_IMODE(info.st_mode))
    return found


def user_env(home: Path, **xdg: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("XDG_")}
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", SHUSAI_AGENT_KEY_STORE="file", **xdg)
    return env


def sh(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home that already holds things of other programs, which must stay as they are."""
    made = tmp_path / "home"
    (made / ".local" / "bin").mkdir(parents=True)
    (made / ".local" / "bin" / "other-tool").write_text("#!/bin/sh\n")
    (made / ".config" / "other").mkdir(parents=True)
    (made / ".config" / "other" / "settings.ini").write_text("[x]\n")
    return made


@pytest.mark.parametrize("xdg", [False, True], ids=["default-folders", "xdg-folders"])
def test_install_then_uninstall_leaves_the_home_as_it_was(
    unpacked: Path, home: Path, xdg: bool
) -> None:
    data, config = home / ".local" / "share", home / ".config"
    folders = {}
    if xdg:
        data, config = home / "xdg data", home / "xdg config"
        folders = {"XDG_DATA_HOME": str(data), "XDG_CONFIG_HOME": str(config)}
    env = user_env(home, **folders)
    before = snapshot(home)

    done = sh([str(unpacked / "install.sh"), "--autostart"], env)
    assert done.returncode == 0, done.stderr
    app = data / "shuttersense"
    entry = (data / "applications" / "shuttersense.desktop").read_text()
    assert f'Exec="{app}/shuttersense-desktop"\n' in entry
    assert "Icon=shuttersense\n" in entry
    for size in SIZES:
        assert (data / "icons" / "hicolor" / size / "apps" / "shuttersense.png").is_file()
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "shuttersense.svg").is_file()
    assert (data / "metainfo" / "com.shuttersense.ShutterSense.metainfo.xml").is_file()
    autostart = (config / "autostart" / "shuttersense.desktop").read_text()
    assert f'Exec="{app}/shuttersense" --minimized\n' in autostart
    agent = sh([str(home / ".local" / "bin" / "shuttersense-agent"), "--version"], env)
    assert agent.stdout == f"shuttersense-agent {__version__}\n"

    done = sh([str(app / "uninstall.sh")], env)
    assert done.returncode == 0, done.stderr
    assert snapshot(home) == before


def test_uninstall_keeps_the_users_data_unless_purge(unpacked: Path, home: Path) -> None:
    env = user_env(home)
    before = snapshot(home)
    app = home / ".local" / "share" / "shuttersense"
    assert sh([str(unpacked / "install.sh")], env).returncode == 0
    ran = sh([str(app / "shuttersense-desktop"), "--quit-after-ready"], env)
    assert ran.stdout.startswith("ShutterSense is ready ("), ran.stderr
    data = home / ".config" / "shuttersense-agent"
    solo = home / ".local" / "share" / "shuttersense-agent" / "coordinator" / "coordinator.db"
    assert solo.is_file()  # solo mode's coordinator, from the installed bundle
    log = home / ".local" / "state" / "shuttersense-agent" / "log" / "agent.log"
    assert data.is_dir() and "ShutterSense started" in log.read_text()

    again = sh([str(unpacked / "install.sh")], env)  # an update over the installed one
    assert again.returncode == 0, again.stderr
    assert "Updating" in again.stdout
    kept = sh([str(app / "uninstall.sh")], env)
    assert kept.returncode == 0, kept.stderr
    assert not app.exists() and data.is_dir() and log.is_file() and solo.is_file()
    assert str(data) in kept.stdout  # it says where the data stays

    assert sh([str(unpacked / "install.sh")], env).returncode == 0
    purged = sh([str(app / "uninstall.sh"), "--purge"], env)
    assert purged.returncode == 0, purged.stderr
    # The XDG base folders the app's data went into stay, empty (they were made for the data,
    # not by install.sh); nothing else is left.
    left = {path: kind for path, kind in snapshot(home).items() if path not in before}
    assert left == {".local/share": ("dir", 0o755), ".local/state": ("dir", 0o755)}


def test_install_never_overwrites_a_file_it_did_not_make(unpacked: Path, home: Path) -> None:
    env = user_env(home)
    theirs = home / ".local" / "share" / "applications" / "shuttersense.desktop"
    theirs.parent.mkdir(parents=True)
    theirs.write_text("[Desktop Entry]\nName=Someone else's\n")
    before = snapshot(home)
    done = sh([str(unpacked / "install.sh")], env)
    assert done.returncode == 2
    assert f"{theirs} exists already" in done.stderr
    assert snapshot(home) == before  # what it had made before stopping is gone again
    assert theirs.read_text() == "[Desktop Entry]\nName=Someone else's\n"


def test_uninstall_without_an_install_says_so(unpacked: Path, home: Path) -> None:
    done = sh([str(unpacked / "uninstall.sh")], user_env(home))
    assert done.returncode == 2
    assert "nothing installed by install.sh here" in done.stderr


def test_the_scripts_are_posix_sh_and_shellcheck_clean(unpacked: Path) -> None:
    require_packaging_tool(shutil.which("shellcheck") is not None, "shellcheck is not installed")
    done = subprocess.run(
        ["shellcheck", "-s", "sh", "install.sh", "uninstall.sh"],
        cwd=unpacked,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout
