"""The coordinator in-process, on the `settings` of tests/helpers/coordinator_fixtures.py (so
on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.settings import Settings
from tests.coordinator.factories import Teams, signed_in


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The coordinator in-process; the sweeper is off, tests run it by hand."""
    with TestClient(create_app(settings, sweep_interval=None)) as test_client:
        yield test_client


@pytest.fixture
def teams(client: TestClient, db_url: str) -> Teams:
    """Studio's admin and member, and the admin of another team, each signed in."""
    return Teams(
        admin=signed_in(client, db_url, "admin@studio.example", "Studio"),
        member=signed_in(client, db_url, "member@studio.example", "Studio"),
        outsider=signed_in(client, db_url, "admin@other.example", "Other"),
    )
