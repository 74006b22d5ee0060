"""Fixtures of the benchmark tests: the load benchmarks need a PostgreSQL server."""

from __future__ import annotations

import os

import pytest

from tests.helpers.postgres import server_binaries


@pytest.fixture
def postgres_available() -> None:
    if os.environ.get("SHUSAI_TEST_PG_URL") or server_binaries() is not None:
        return
    if os.environ.get("SHUSAI_REQUIRE_PG") == "1":
        pytest.fail("PostgreSQL is required (SHUSAI_REQUIRE_PG=1) but none is available")
    pytest.skip("no PostgreSQL here: install it or set SHUSAI_TEST_PG_URL")
