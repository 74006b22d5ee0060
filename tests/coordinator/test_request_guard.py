"""Requests refused before the application sees them: NUL characters and oversized bodies."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.settings import Settings

REGISTER = "/api/agent/v1/register"


@pytest.fixture
def small(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, sweep_interval=None, max_body_bytes=2048)) as client:
        yield client


def test_a_declared_length_over_the_limit_is_refused(small: TestClient) -> None:
    body = b'{"registration_token": "' + b"x" * 4096 + b'", "name": "a"}'
    answer = small.post(REGISTER, content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 413
    assert "larger than" in answer.json()["detail"]


def test_a_streamed_body_over_the_limit_is_refused(small: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"registration_token": "'
        for _ in range(10):
            yield b"x" * 1024
        yield b'", "name": "a"}'

    answer = small.post(REGISTER, content=chunks(), headers={"content-type": "application/json"})
    assert answer.status_code == 413, answer.text


def test_bodies_under_the_limit_go_through(small: TestClient) -> None:
    answer = small.post(REGISTER, json={"registration_token": "art_nope", "name": "a"})
    assert answer.status_code == 401  # reached the endpoint, which refused the token


@pytest.mark.parametrize(
    "url", ["/api/jobs/job_%00x", "/api/results?tool=photo%00stats", "/api/agents/agt_%00"]
)
def test_nul_characters_in_urls_are_refused(small: TestClient, url: str) -> None:
    assert small.get(url).status_code == 400


def test_nul_characters_in_bodies_are_refused(small: TestClient) -> None:
    answer = small.post("/api/auth/login", json={"email": "a\x00@b.co", "password": "x" * 9})
    assert answer.status_code == 422
    assert "NUL" in answer.text
