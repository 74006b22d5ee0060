"""Fixtures of the benchmark tests: the load benchmarks need a PostgreSQL server."""

from __future__ import annotations

import os

import pytest

from tests.helpers.postgres import postgres_missing, server_binaries


@pytest.fixture
def postgres_available() -> None:
    if not (os.environ.get("SHUSAI_TEST_PG_URL") or server_binaries() is not None):
        postgres_missing()
