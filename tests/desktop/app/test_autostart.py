"""Start at login: the XDG autostart entry and the macOS LaunchAgent, written for the running
program with --minimized and removed again, in a temporary HOME; and the Settings switch."""

from __future__ import annotations

import configparser
import plistlib
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from shuttersense.desktop.app.services.autostart import (
    AutostartError,
    LaunchAgentAutostart,
    XdgAutostart,
    desktop_exec,
    launch_command,
    platform_autostart,
)
from tests.desktop.app.app_factory import MakeApp


def read_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys keep their case
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_linux_entry_written_and_removed(tmp_path: Path) -> None:
    autostart = platform_autostart({"HOME": str(tmp_path)}, "linux")
    path = tmp_path / ".config" / "autostart" / "shuttersense.desktop"
    assert autostart.path == path and not autostart.is_enabled()
    autostart.enable()
    assert autostart.is_enabled()
    entry = read_entry(path)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "ShutterSense"
    assert entry["X-GNOME-Autostart-enabled"] == "true"
    assert entry["Terminal"] == "false"
    assert entry["Exec"] == f"{sys.executable} -m shuttersense.desktop.app.main --minimized"
    assert launch_command()[0] == sys.executable  # the running interpreter, with its packages
    autostart.disable()
    assert not path.exists() and not autostart.is_enabled()
    autostart.disable()  # switching off twice is harmless


def test_xdg_config_home_is_followed_when_absolute(tmp_path: Path) -> None:
    config = tmp_path / "elsewhere"
    chosen = platform_autostart({"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(config)}, "linux")
    assert chosen.path == config / "autostart" / "shuttersense.desktop"
    relative = platform_autostart({"HOME": str(tmp_path), "XDG_CONFIG_HOME": "rel"}, "linux")
    assert relative.path == tmp_path / ".config" / "autostart" / "shuttersense.desktop"


def test_exec_quotes_what_the_spec_reserves() -> None:
    command = ["/Applications/Shutter Sense/bin/python", "-m", "a$b", 'say "hi"', "100%", "a\\b"]
    assert desktop_exec(command) == (
        '"/Applications/Shutter Sense/bin/python" -m "a\\\\$b" "say \\\\"hi\\\\"" 100%% '
        '"a\\\\\\\\b"'
    )


def test_macos_launch_agent_written_and_removed(tmp_path: Path) -> None:
    autostart = platform_autostart({"HOME": str(tmp_path)}, "darwin")
    assert isinstance(autostart, LaunchAgentAutostart)
    path = tmp_path / "Library" / "LaunchAgents" / "com.shuttersense.desktop.plist"
    autostart.enable()
    agent = plistlib.loads(path.read_bytes())
    assert agent["Label"] == "com.shuttersense.desktop"
    assert agent["ProgramArguments"] == [
        sys.executable,
        "-m",
        "shuttersense.desktop.app.main",
        "--minimized",
    ]
    assert agent["RunAtLoad"] is True
    autostart.disable()
    assert not path.exists()


def test_frozen_bundle_starts_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/Applications/ShutterSense.app/Contents/MacOS/app")
    assert launch_command() == ["/Applications/ShutterSense.app/Contents/MacOS/app", "--minimized"]


def test_elsewhere_it_says_it_cannot(tmp_path: Path) -> None:
    autostart = platform_autostart({"HOME": str(tmp_path)}, "win32")
    assert autostart.path is None and not autostart.is_enabled()
    with pytest.raises(AutostartError, match="not available on win32 yet"):
        autostart.enable()


def test_an_unwritable_folder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "autostart").write_text("a file where the folder should be")
    with pytest.raises(AutostartError, match=r"cannot write .* check that folder"):
        XdgAutostart(tmp_path, ["x"]).enable()


def test_the_settings_switch(qtbot: QtBot, make_app: MakeApp) -> None:
    app = make_app()
    app.start()
    path = app.autostart.path
    assert path is not None
    box = app.settings_view.autostart
    qtbot.waitUntil(lambda: str(path) in app.settings_view.autostart_note.text())
    assert not box.isChecked()
    box.setChecked(True)
    qtbot.waitUntil(path.exists)
    assert "--minimized" in read_entry(path)["Exec"]
    box.setChecked(False)
    qtbot.waitUntil(lambda: not path.exists())
