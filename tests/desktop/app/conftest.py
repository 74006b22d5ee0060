"""The desktop app's tests: Qt offscreen, the agent's folders under tmp_path, its key store a
file, a real coordinator on 127.0.0.1 (SQLite and PostgreSQL) with a team to sign in to
(team_server.py), the app as the entry point makes it (app_factory.py) and the demo studio
(studio.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.agent.credentials import ENV_KEY_STORE
from shuttersense.desktop.agent.locations import AgentDirs
from shuttersense.desktop.app.settings import FILE_NAME, AppSettings
from tests.desktop.app.app_factory import make_app, signed_in_view  # noqa: F401 (fixtures)
from tests.desktop.app.studio import studio  # noqa: F401 (a fixture of these tests)
from tests.desktop.app.team_server import team_server  # noqa: F401 (a fixture of these tests)

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # read when pytest-qt makes the QApplication


@pytest.fixture
def agent_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AgentDirs:
    monkeypatch.setenv(ENV_KEY_STORE, "file")  # no OS keyring on the test machine
    home = tmp_path / "agent-home"
    return AgentDirs(config=home / "config", data=home / "data", logs=home / "logs")


@pytest.fixture
def context(agent_dirs: AgentDirs) -> AgentContext:
    agent_dirs.ensure()
    return AgentContext(agent_dirs)


@pytest.fixture
def app_settings(agent_dirs: AgentDirs) -> AppSettings:
    return AppSettings(agent_dirs.config / FILE_NAME)


def dark(palette: QPalette) -> QPalette:
    """`palette` as a desktop in dark mode gives it."""
    darker = QPalette(palette)
    for role, colour in (
        (QPalette.ColorRole.Window, "#1f1f1f"),
        (QPalette.ColorRole.WindowText, "#ececec"),
        (QPalette.ColorRole.Base, "#2a2a2a"),
        (QPalette.ColorRole.AlternateBase, "#333333"),
        (QPalette.ColorRole.Text, "#ececec"),
        (QPalette.ColorRole.Button, "#2f2f2f"),
        (QPalette.ColorRole.ButtonText, "#ececec"),
        (QPalette.ColorRole.PlaceholderText, "#9a9a9a"),
    ):
        darker.setColor(role, QColor(colour))
    return darker


@pytest.fixture
def dark_palette(qapp: QApplication) -> Iterator[QPalette]:
    """The whole app in dark mode for the test."""
    before = qapp.palette()
    qapp.setPalette(dark(before))
    yield qapp.palette()
    qapp.setPalette(before)
