"""Requests refused before the application sees them: NUL characters in URLs and bodies."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(
    "url", ["/api/jobs/job_%00x", "/api/results?tool=photo%00stats", "/api/agents/agt_%00"]
)
def test_nul_characters_in_urls_are_refused(client: TestClient, url: str) -> None:
    assert client.get(url).status_code == 400


def test_nul_characters_in_bodies_are_refused(client: TestClient) -> None:
    answer = client.post("/api/auth/login", json={"email": "a\x00@b.co", "password": "x" * 9})
    assert answer.status_code == 422
    assert "NUL" in answer.text
