"""The desktop app's tests: Qt offscreen, the agent's folders under tmp_path, its key store a
file, and a real coordinator on 127.0.0.1 (SQLite and PostgreSQL) with a team to sign in to."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.models import Team
from shuttersense.coordinator.services.accounts import create_user
from shuttersense.coordinator.services.registration import create_registration_token
from shuttersense.coordinator.settings import Settings
from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.agent.credentials import ENV_KEY_STORE
from shuttersense.desktop.agent.locations import AgentDirs
from shuttersense.desktop.app.settings import FILE_NAME, AppSettings
from tests.coordinator.factories import db, team_with_token
from tests.desktop.app.app_factory import make_app  # noqa: F401 (a fixture of these tests)
from tests.helpers.live_server import live_server

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # read when pytest-qt makes the QApplication

ADMIN = "admin@studio.example"
ADMIN_PASSWORD = "s3cret-pass"  # what team_with_token gives the team's admin
MEMBER = "member@studio.example"
MEMBER_PASSWORD = "member-pass-123"


@dataclass
class TeamServer:
    """A live coordinator with the team Studio and its admin."""

    base: str
    db_url: str

    def add_member(self) -> None:
        with db(self.db_url) as session:
            create_user(session, MEMBER, MEMBER_PASSWORD, team="Studio")

    def registration_token(self) -> str:
        with db(self.db_url) as session:
            team = session.scalar(select(Team).where(Team.name == "Studio"))
            return create_registration_token(session, team).token

    @contextmanager
    def admin_api(self) -> Iterator[httpx.Client]:
        """The admin, signed in with a session cookie."""
        with httpx.Client(base_url=self.base, timeout=30) as client:
            login = client.post(
                "/api/auth/login", json={"email": ADMIN, "password": ADMIN_PASSWORD}
            )
            assert login.status_code == 200, login.text
            yield client


@pytest.fixture
def team_server(settings: Settings, db_url: str) -> Iterator[TeamServer]:
    team_with_token(db_url, "Studio")
    with live_server(create_app(settings, sweep_interval=None)) as base:
        yield TeamServer(base, db_url)


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
