"""Schemathesis over the published OpenAPI document: no generated request may cause a 500, and
every answer has a status, and a body, that the document declares for its route."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.settings import Settings
from tests.coordinator.factories import signed_in


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings, sweep_interval=None)


@pytest.fixture
def headers(app: FastAPI, db_url: str) -> dict[str, str]:
    with TestClient(app) as client:
        return signed_in(client, db_url, "fuzz@example.com", "Fuzzers")


def test_no_request_makes_the_server_fail(app: FastAPI, headers: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30

    for operation in operations:

        @hypothesis_settings(
            max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        @given(operation.as_strategy())
        def no_server_error(case: schemathesis.Case) -> None:
            if case.path.endswith("/jobs/claim"):
                case.query = {**(case.query or {}), "wait": 0}  # long polls only slow the test
            response = case.call(headers=headers)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path}: {response.status_code} {response.text}"
            )
            case.validate_response(
                response, checks=[status_code_conformance, response_schema_conformance]
            )

        no_server_error()
