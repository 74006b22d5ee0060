"""`/api/users` and `/api/team`: an admin manages the team's members and name (both databases)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.coordinator.factories import PASSWORD, audit_actions, signed_in


def user_changes(db_url: str, guid: str) -> list[str]:
    """The audit trail of a user, without their sign-ins."""
    return [a for a in audit_actions(db_url, guid) if a.startswith("user.")]


def login(client: TestClient, email: str, password: str = PASSWORD) -> int:
    answer = client.post("/api/auth/login", json={"email": email, "password": password})
    client.cookies.clear()
    return answer.status_code


def test_an_admin_adds_a_member_who_can_sign_in(client: TestClient, db_url: str) -> None:
    admin = signed_in(client, db_url, "ada@studio.example", "Studio")
    added = client.post(
        "/api/users",
        headers=admin,
        json={"email": "Bob@Studio.example", "password": "long enough pw", "role": "member"},
    )
    assert added.status_code == 201, added.text
    bob = added.json()
    assert (bob["email"], bob["role"], bob["is_active"]) == ("bob@studio.example", "member", True)
    assert login(client, "bob@studio.example", "long enough pw") == 200
    again = {"email": "bob@studio.example", "password": "long enough pw"}
    assert client.post("/api/users", headers=admin, json=again).status_code == 409
    short = {"email": "carol@studio.example", "password": "short"}
    assert client.post("/api/users", headers=admin, json=short).status_code == 422
    listed = client.get("/api/users", headers=admin).json()
    assert [u["email"] for u in listed] == ["ada@studio.example", "bob@studio.example"]
    assert user_changes(db_url, bob["guid"]) == ["user.created"]


def test_members_cannot_manage_users(client: TestClient, db_url: str) -> None:
    signed_in(client, db_url, "ada@studio.example", "Studio")
    member = signed_in(client, db_url, "bob@studio.example", "Studio")
    assert client.get("/api/users", headers=member).status_code == 403
    body = {"email": "eve@studio.example", "password": "long enough pw", "role": "admin"}
    assert client.post("/api/users", headers=member, json=body).status_code == 403
    assert client.get("/api/team", headers=member).json()["name"] == "Studio"
    assert client.patch("/api/team", headers=member, json={"name": "Mine"}).status_code == 403


def test_deactivating_ends_sessions_and_tokens_at_once(client: TestClient, db_url: str) -> None:
    admin = signed_in(client, db_url, "ada@studio.example", "Studio")
    member = signed_in(client, db_url, "bob@studio.example", "Studio")
    guid = client.get("/api/auth/me", headers=member).json()["guid"]
    off = client.patch(f"/api/users/{guid}", headers=admin, json={"is_active": False})
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert client.get("/api/auth/me", headers=member).status_code == 401
    assert login(client, "bob@studio.example") == 401
    on = client.patch(f"/api/users/{guid}", headers=admin, json={"is_active": True})
    assert on.status_code == 200
    assert login(client, "bob@studio.example") == 200
    assert client.get("/api/auth/me", headers=member).status_code == 401  # that token stays dead
    assert user_changes(db_url, guid) == ["user.created", "user.updated", "user.updated"]


def test_the_team_keeps_an_active_admin(client: TestClient, db_url: str) -> None:
    admin = signed_in(client, db_url, "ada@studio.example", "Studio")
    signed_in(client, db_url, "bob@studio.example", "Studio")
    users = {u["email"]: u["guid"] for u in client.get("/api/users", headers=admin).json()}
    ada, bob = users["ada@studio.example"], users["bob@studio.example"]
    for change in ({"role": "member"}, {"is_active": False}):
        refused = client.patch(f"/api/users/{ada}", headers=admin, json=change)
        assert refused.status_code == 409 and "admin" in refused.json()["detail"]
    promoted = client.patch(f"/api/users/{bob}", headers=admin, json={"role": "admin"})
    assert promoted.status_code == 200
    demoted = client.patch(f"/api/users/{ada}", headers=admin, json={"role": "member"})
    assert demoted.status_code == 200 and demoted.json()["role"] == "member"
    assert client.get("/api/users", headers=admin).status_code == 403  # ada is a member now


def test_the_team_is_renamed_by_its_admin_only_to_a_free_name(
    client: TestClient, db_url: str
) -> None:
    admin = signed_in(client, db_url, "ada@studio.example", "Studio")
    signed_in(client, db_url, "zed@other.example", "Other")
    team = client.get("/api/team", headers=admin).json()
    assert (team["name"], team["active_users"], team["agents"]) == ("Studio", 1, 0)
    assert client.patch("/api/team", headers=admin, json={"name": "Other"}).status_code == 409
    renamed = client.patch("/api/team", headers=admin, json={"name": "Light Studio"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Light Studio"
    assert audit_actions(db_url, team["guid"]) == ["team.renamed"]


def test_another_teams_user_is_not_found(client: TestClient, db_url: str) -> None:
    admin = signed_in(client, db_url, "ada@studio.example", "Studio")
    other = signed_in(client, db_url, "zed@other.example", "Other")
    zed = client.get("/api/auth/me", headers=other).json()["guid"]
    assert client.get(f"/api/users/{zed}", headers=admin).status_code == 404
    change = client.patch(f"/api/users/{zed}", headers=admin, json={"is_active": False})
    assert change.status_code == 404
    assert client.get("/api/auth/me", headers=other).status_code == 200
