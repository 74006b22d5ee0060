"""Start at login: an XDG autostart entry on Linux, a LaunchAgent on macOS.

Both point at the running program with `--minimized` (the app then starts in the tray): the
frozen bundle's executable, or this Python with `-m shuttersense.desktop.app.main`. Switching
off removes the file. Qt-free; the app calls these on its worker pool (they touch the disk).
"""

from __future__ import annotations

import os
import plistlib
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

from shuttersense.desktop.agent.private_files import write_private

__all__ = [
    "LAUNCH_AGENT_LABEL",
    "Autostart",
    "AutostartError",
    "LaunchAgentAutostart",
    "NoAutostart",
    "XdgAutostart",
    "desktop_exec",
    "launch_command",
    "platform_autostart",
]

LAUNCH_AGENT_LABEL = "com.shuttersense.desktop"
_MODULE = "shuttersense.desktop.app.main"
# Characters that make the XDG Desktop Entry spec want an argument quoted.
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


class AutostartError(Exception):
    """Start at login cannot be switched here; the message says why and what to do."""


class Autostart(Protocol):
    path: Path | None  # the file that makes it happen (None: not possible here)

    def is_enabled(self) -> bool: ...

    def enable(self) -> None: ...

    def disable(self) -> None: ...


def launch_command() -> list[str]:
    """How to start this very program in the tray."""
    if getattr(sys, "frozen", False):  # a PyInstaller bundle: its executable is the app
        return [sys.executable, "--minimized"]
    return [sys.executable, "-m", _MODULE, "--minimized"]


def _exec_argument(argument: str) -> str:
    if argument and not _RESERVED.intersection(argument):
        return argument
    escaped = "".join(f"\\{c}" if c in '"`$\\' else c for c in argument)
    return f'"{escaped}"'


def desktop_exec(command: Sequence[str]) -> str:
    """The `Exec=` value for `command`: quoted as the Desktop Entry spec says, then escaped
    as any of its string values (a backslash doubled), `%` doubled (it starts field codes)."""
    line = " ".join(_exec_argument(argument) for argument in command)
    return line.replace("\\", "\\\\").replace("%", "%%")


def _write(path: Path, data: bytes) -> None:
    try:
        write_private(path, data)
    except OSError as exc:
        raise AutostartError(f"cannot write {path} ({exc}); check that folder") from None


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise AutostartError(f"cannot remove {path} ({exc}); remove it by hand") from None


class XdgAutostart:
    """`$XDG_CONFIG_HOME/autostart/shuttersense.desktop` (`~/.config/…` by default)."""

    def __init__(self, config_home: Path, command: Sequence[str]) -> None:
        self.path = config_home / "autostart" / "shuttersense.desktop"
        self._command = list(command)

    def is_enabled(self) -> bool:
        return self.path.is_file()

    def enable(self) -> None:
        entry = "\n".join(
            [
                "[Desktop Entry]",
                "Type=Application",
                "Version=1.5",
                "Name=ShutterSense",
                "Comment=Photo collection audits: this computer's agent, in the tray",
                f"Exec={desktop_exec(self._command)}",
                "Terminal=false",
                "Categories=Graphics;Photography;",
                "X-GNOME-Autostart-enabled=true",
                "",
            ]
        )
        _write(self.path, entry.encode("utf-8"))

    def disable(self) -> None:
        _remove(self.path)


class LaunchAgentAutostart:
    """`~/Library/LaunchAgents/com.shuttersense.desktop.plist`, run at login in the GUI session."""

    def __init__(self, home: Path, command: Sequence[str]) -> None:
        self.path = home / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"
        self._command = list(command)

    def is_enabled(self) -> bool:
        return self.path.is_file()

    def enable(self) -> None:
        agent = {
            "Label": LAUNCH_AGENT_LABEL,
            "ProgramArguments": self._command,
            "RunAtLoad": True,
            "ProcessType": "Interactive",
            "LimitLoadToSessionType": "Aqua",
        }
        _write(self.path, plistlib.dumps(agent))

    def disable(self) -> None:
        _remove(self.path)


class NoAutostart:
    path = None

    def __init__(self, platform: str) -> None:
        self._platform = platform

    def is_enabled(self) -> bool:
        return False

    def enable(self) -> None:
        raise AutostartError(
            f"start at login is not available on {self._platform} yet; add ShutterSense to "
            "your system's startup programs by hand"
        )

    def disable(self) -> None:
        """Nothing was ever written."""


def platform_autostart(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> Autostart:
    """The autostart of this platform, for the running program."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    home = Path(environ.get("HOME") or Path.home())
    if platform == "darwin":
        return LaunchAgentAutostart(home, launch_command())
    if platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        config_home = Path(environ.get("XDG_CONFIG_HOME") or home / ".config")
        if not config_home.is_absolute():  # the spec says to ignore a relative one
            config_home = home / ".config"
        return XdgAutostart(config_home, launch_command())
    return NoAutostart(platform)
