"""A real coordinator on 127.0.0.1 (SQLite and PostgreSQL) with the team Studio, its admin and,
when asked, a member: what the desktop app's tests sign in to."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import select

from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.models import Team
from shuttersense.coordinator.services.accounts import create_user
from shuttersense.coordinator.services.registration import create_registration_token
from shuttersense.coordinator.settings import Settings
from tests.coordinator.factories import db, team_with_token
from tests.helpers.live_server import live_server

__all__ = ["ADMIN", "ADMIN_PASSWORD", "MEMBER", "MEMBER_PASSWORD", "TeamServer", "team_server"]

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
