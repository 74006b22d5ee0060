"""The audit log: admins read their own team's events, newest first."""

from __future__ import annotations

from fastapi.testclient import TestClient

from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.settings import Settings
from tests.coordinator.factories import signed_in

API = "/api/audit"


def test_admins_read_their_teams_events(client: TestClient, db_url: str) -> None:
    admin = signed_in(client, db_url, "admin@studio.example", "Studio")
    member = signed_in(client, db_url, "member@studio.example", "Studio")
    outsider = signed_in(client, db_url, "admin@other.example", "Other")
    token = client.post("/api/agents/registration-tokens", json={}, headers=admin).json()

    events = client.get(API, headers=admin).json()
    assert events[0]["action"] == "registration_token.created"  # newest first
    assert events[0]["target"] == token["guid"]
    assert events[0]["actor_user"].startswith("usr_")
    assert {e["action"] for e in events} >= {"user.created", "auth.login", "token.created"}

    only = client.get(API, params={"action": "registration_token.created"}, headers=admin).json()
    assert [e["target"] for e in only] == [token["guid"]]
    assert client.get(API, params={"target": token["guid"]}, headers=outsider).json() == []
    assert client.get(API, headers=member).status_code == 403
    client.cookies.clear()
    assert client.get(API).status_code == 401


def test_events_carry_the_client_address(settings: Settings, db_url: str) -> None:
    app = create_app(settings, sweep_interval=None)
    with TestClient(app, client=("203.0.113.7", 4321)) as client:
        admin = signed_in(client, db_url, "admin@studio.example", "Studio")
        made = client.post("/api/agents/registration-tokens", json={}, headers=admin).json()
        events = client.get(API, headers=admin).json()
    by_target = {e["target"]: e for e in events}
    assert by_target[made["guid"]]["address"] == "203.0.113.7"
    assert {e["action"] for e in events if e["address"] == "203.0.113.7"} >= {
        "auth.login",
        "token.created",
        "registration_token.created",
    }
    # made outside any request (the factory's own user): no address to record
    assert {e["address"] for e in events if e["action"] == "user.created"} == {None}
