"""User authentication, `/api/auth`: sessions, API tokens, roles (both databases)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from shuttersense.coordinator.api.deps import AdminUser
from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.models import ApiToken, AuditEvent, User, WebSession
from shuttersense.coordinator.models.base import utcnow
from shuttersense.coordinator.services.accounts import create_user
from shuttersense.coordinator.settings import Settings
from shuttersense.coordinator.signing import b64url_decode, encode_jwt
from tests.coordinator.factories import PASSWORD, db, team_with_token

API = "/api/auth"
COOKIE = "shuttersense_session"


def make_user(url: str, email: str, *, team: str | None = None, admin: bool = False) -> str:
    with db(url) as session:
        return create_user(session, email, PASSWORD, team=team, admin=admin).guid


def login(client: TestClient, email: str, password: str = PASSWORD) -> dict:
    response = client.post(f"{API}/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def with_cookie(client: TestClient, value: str) -> dict[str, str]:
    client.cookies.clear()
    return {"Cookie": f"{COOKIE}={value}"}


def new_token(client: TestClient, name: str = "script", **extra: object) -> dict:
    response = client.post(f"{API}/tokens", json={"name": name, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def test_login_sets_an_http_only_session_cookie(client: TestClient, db_url: str) -> None:
    guid = make_user(db_url, "alice@example.com")
    response = client.post(
        f"{API}/login", json={"email": " Alice@Example.com", "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["guid"] == guid and body["email"] == "alice@example.com"
    assert body["role"] == "admin" and body["team"]["guid"].startswith("ten_")
    assert body["team"]["name"] == "My team"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower() and "Secure" not in cookie
    assert "Max-Age=1209600" in cookie
    value = client.cookies[COOKIE]
    with db(db_url) as session:
        row = session.scalar(select(WebSession))
        session_id = value.rsplit(".", 1)[0]
        assert row.token_hash == hashlib.sha256(session_id.encode()).hexdigest()
        assert value not in row.token_hash and session_id not in row.token_hash
        user = session.scalar(select(User))
        assert user.last_login_at is not None
        assert "auth.login" in session.scalars(select(AuditEvent.action)).all()


@pytest.mark.parametrize(("https_only", "same_site"), [(True, "strict"), (True, "none")])
def test_cookie_flags_follow_the_settings(
    settings: Settings, db_url: str, https_only: bool, same_site: str
) -> None:
    make_user(db_url, "alice@example.com")
    strict = dataclasses.replace(
        settings, session_https_only=https_only, session_same_site=same_site
    )
    with TestClient(create_app(strict), base_url="https://testserver") as client:
        response = client.post(
            f"{API}/login", json={"email": "alice@example.com", "password": PASSWORD}
        )
        cookie = response.headers["set-cookie"]
        assert "HttpOnly" in cookie and "Secure" in cookie
        assert f"samesite={same_site}" in cookie.lower()
        assert client.get(f"{API}/me").status_code == 200
        logout = client.post(f"{API}/logout")
        assert logout.status_code == 204
        cleared = logout.headers["set-cookie"]
        assert "Max-Age=0" in cleared and "Secure" in cleared and "HttpOnly" in cleared


def test_wrong_password_and_unknown_email_look_the_same(client: TestClient, db_url: str) -> None:
    make_user(db_url, "alice@example.com")
    wrong = client.post(f"{API}/login", json={"email": "alice@example.com", "password": "nope"})
    unknown = client.post(f"{API}/login", json={"email": "bob@example.com", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "wrong email or password"}
    assert "set-cookie" not in wrong.headers
    with db(db_url) as session:
        assert session.scalar(select(func.count()).select_from(WebSession)) == 0


def test_login_is_rate_limited_after_ten_failures(client: TestClient, db_url: str) -> None:
    make_user(db_url, "alice@example.com")
    body = {"email": "alice@example.com", "password": "wrong password"}
    for _ in range(10):
        assert client.post(f"{API}/login", json=body).status_code == 401
    limited = client.post(f"{API}/login", json={**body, "password": PASSWORD})
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["retry-after"]) <= 15 * 60 + 1
    assert "set-cookie" not in limited.headers


def test_successful_logins_do_not_count_against_the_limit(client: TestClient, db_url: str) -> None:
    make_user(db_url, "alice@example.com")
    wrong = {"email": "alice@example.com", "password": "wrong password"}
    for _ in range(9):
        assert client.post(f"{API}/login", json=wrong).status_code == 401
    for _ in range(12):  # successes are not charged to the address
        login(client, "alice@example.com")
    # the address still carries its 9 failures: one more is allowed, then it is limited
    assert client.post(f"{API}/login", json=wrong).status_code == 401
    assert client.post(f"{API}/login", json=wrong).status_code == 429


def test_me_with_the_cookie_and_with_a_bearer_token(client: TestClient, db_url: str) -> None:
    guid = make_user(db_url, "alice@example.com")
    assert client.get(f"{API}/me").status_code == 401
    login(client, "alice@example.com")
    me = client.get(f"{API}/me")
    assert me.status_code == 200 and me.json()["guid"] == guid
    token = new_token(client)["token"]
    client.cookies.clear()
    by_token = client.get(f"{API}/me", headers=bearer(token))
    assert by_token.status_code == 200 and by_token.json()["guid"] == guid
    with db(db_url) as session:
        assert session.scalar(select(ApiToken.last_used_at)) is not None


def test_logout_ends_the_session(client: TestClient, db_url: str) -> None:
    make_user(db_url, "alice@example.com")
    login(client, "alice@example.com")
    old = client.cookies[COOKIE]
    response = client.post(f"{API}/logout")
    assert response.status_code == 204 and f'{COOKIE}=""' in response.headers["set-cookie"]
    assert client.get(f"{API}/me", headers=with_cookie(client, old)).status_code == 401
    with db(db_url) as session:
        assert session.scalar(select(func.count()).select_from(WebSession)) == 0
        assert "auth.logout" in session.scalars(select(AuditEvent.action)).all()
    client.cookies.clear()
    assert client.post(f"{API}/logout").status_code == 204  # already out: harmless


def test_a_tampered_cookie_is_refused(client: TestClient, db_url: str) -> None:
    make_user(db_url, "alice@example.com")
    login(client, "alice@example.com")
    value = client.cookies[COOKIE]
    session_id, signature = value.rsplit(".", 1)
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    for bad in (f"{session_id}.{flipped}", session_id, f"{session_id[:-1]}x.{signature}", "junk"):
        response = client.get(f"{API}/me", headers=with_cookie(client, bad))
        assert response.status_code == 401, bad


def test_sessions_expire_and_slide(client: TestClient, db_url: str) -> None:
    make_user(db_url, "alice@example.com")
    login(client, "alice@example.com")
    soon = utcnow() + timedelta(hours=1)
    with db(db_url) as session:
        session.execute(
            update(WebSession).values(last_seen_at=utcnow() - timedelta(minutes=5), expires_at=soon)
        )
        session.commit()
    response = client.get(f"{API}/me")
    assert response.status_code == 200 and COOKIE in response.headers["set-cookie"]
    with db(db_url) as session:
        expires = session.scalar(select(WebSession.expires_at))
        assert expires.replace(tzinfo=soon.tzinfo) > utcnow() + timedelta(days=13)
    # Seen a moment ago: no write and no new cookie.
    assert "set-cookie" not in client.get(f"{API}/me").headers
    with db(db_url) as session:
        session.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    assert client.get(f"{API}/me").status_code == 401
    with db(db_url) as session:
        assert session.scalar(select(func.count()).select_from(WebSession)) == 0


def test_a_tampered_or_foreign_jwt_is_refused(
    client: TestClient, db_url: str, settings: Settings
) -> None:
    make_user(db_url, "alice@example.com")
    login(client, "alice@example.com")
    token = new_token(client)["token"]
    client.cookies.clear()
    header, payload, signature = token.split(".")
    claims = json.loads(b64url_decode(payload))
    forged_payload = encode_jwt({**claims, "sub": "usr_someoneelse"}, "x").split(".")[1]
    for bad in (
        f"{header}.{forged_payload}.{signature}",
        f"{header}.{payload}.{signature[:-2]}",
        encode_jwt(claims, "a different key, long enough to look real"),
        encode_jwt({**claims, "jti": "never-issued"}, settings.jwt_secret_key),
        "not-a-jwt",
    ):
        assert client.get(f"{API}/me", headers=bearer(bad)).status_code == 401, bad
    assert client.get(f"{API}/me", headers=bearer(token)).status_code == 200


def test_an_expired_jwt_is_refused(client: TestClient, db_url: str, settings: Settings) -> None:
    make_user(db_url, "alice@example.com")
    login(client, "alice@example.com")
    created = new_token(client, expires_days=1)
    assert created["expires_at"] is not None
    client.cookies.clear()
    claims = json.loads(b64url_decode(created["token"].split(".")[1]))
    assert claims["exp"] - claims["iat"] == 86400
    assert {"sub", "team", "jti", "iat", "exp"} <= claims.keys()
    expired = encode_jwt({**claims, "exp": claims["iat"] - 1}, settings.jwt_secret_key)
    response = client.get(f"{API}/me", headers=bearer(expired))
    assert response.status_code == 401 and "expired" in response.json()["detail"]
    # The stored expiry counts too, whatever the token says.
    with db(db_url) as session:
        session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    assert client.get(f"{API}/me", headers=bearer(created["token"])).status_code == 401


def test_a_revoked_token_stops_working(client: TestClient, db_url: str) -> None:
    make_user(db_url, "alice@example.com")
    login(client, "alice@example.com")
    created = new_token(client)
    assert client.get(f"{API}/me", headers=bearer(created["token"])).status_code == 200
    assert client.delete(f"{API}/tokens/{created['guid']}").status_code == 204
    client.cookies.clear()
    response = client.get(f"{API}/me", headers=bearer(created["token"]))
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    with db(db_url) as session:
        actions = session.scalars(select(AuditEvent.action)).all()
        assert "token.created" in actions and "token.revoked" in actions


def test_token_listing_never_shows_secrets(client: TestClient, db_url: str) -> None:
    make_user(db_url, "alice@example.com")
    login(client, "alice@example.com")
    first = new_token(client, "backup script", expires_days=30)
    second = new_token(client, "desktop")
    assert first["guid"].startswith("tok_") and first["token"].count(".") == 2
    listing = client.get(f"{API}/tokens")
    assert listing.status_code == 200
    assert [t["guid"] for t in listing.json()] == [second["guid"], first["guid"]]
    assert all("token" not in t and "jti" not in t for t in listing.json())
    text = listing.text
    for created in (first, second):
        jti = json.loads(b64url_decode(created["token"].split(".")[1]))["jti"]
        assert created["token"] not in text and jti not in text
        with db(db_url) as session:
            stored = session.scalar(select(ApiToken.jti).where(ApiToken.guid == created["guid"]))
            assert stored == hashlib.sha256(jti.encode()).hexdigest()
    assert listing.json()[1]["name"] == "backup script"


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": "x", "expires_days": 0},
        {"name": "x", "expires_days": 3651},
        {"name": "   "},
    ],
)
def test_invalid_token_requests_are_422(client: TestClient, db_url: str, body: dict) -> None:
    make_user(db_url, "alice@example.com")
    login(client, "alice@example.com")
    assert client.post(f"{API}/tokens", json=body).status_code == 422


def test_another_users_or_teams_token_is_not_found(client: TestClient, db_url: str) -> None:
    make_user(db_url, "alice@example.com")
    make_user(db_url, "bob@example.com")  # same team, a member
    make_user(db_url, "carol@other.example", team="Other team")
    login(client, "alice@example.com")
    token = new_token(client)
    for email in ("bob@example.com", "carol@other.example"):
        client.cookies.clear()
        login(client, email)
        response = client.delete(f"{API}/tokens/{token['guid']}")
        assert response.status_code == 404
        assert client.get(f"{API}/tokens").json() == []
    assert client.delete(f"{API}/tokens/tok_nonsense").status_code == 404
    client.cookies.clear()
    assert client.get(f"{API}/me", headers=bearer(token["token"])).status_code == 200


def test_an_agent_key_is_not_a_user_token(client: TestClient, db_url: str) -> None:
    _, registration = team_with_token(db_url)
    agent = client.post(
        "/api/agent/v1/register", json={"registration_token": registration, "name": "Mac"}
    )
    key = agent.json()["agent_key"]
    response = client.get(f"{API}/me", headers=bearer(key))
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert "agent key" in response.json()["detail"]


def test_an_inactive_user_is_refused(client: TestClient, db_url: str) -> None:
    make_user(db_url, "alice@example.com")
    login(client, "alice@example.com")
    token = new_token(client)["token"]
    with db(db_url) as session:
        session.execute(update(User).values(is_active=False))
        session.commit()
    assert client.get(f"{API}/me").status_code == 401
    client.cookies.clear()
    assert client.get(f"{API}/me", headers=bearer(token)).status_code == 401
    again = client.post(f"{API}/login", json={"email": "alice@example.com", "password": PASSWORD})
    assert again.status_code == 401 and "set-cookie" not in again.headers


def test_admin_only_routes(settings: Settings, db_url: str) -> None:
    make_user(db_url, "alice@example.com")
    make_user(db_url, "bob@example.com")
    app = create_app(settings)

    @app.get("/api/test-admin")
    def admin_only(user: AdminUser) -> dict[str, str]:
        return {"guid": user.guid}

    with TestClient(app) as client:
        assert client.get("/api/test-admin").status_code == 401
        login(client, "bob@example.com")
        assert client.get("/api/test-admin").status_code == 403
        client.cookies.clear()
        login(client, "alice@example.com")
        assert client.get("/api/test-admin").status_code == 200


def test_cookie_changes_from_another_site_are_refused(client: TestClient, db_url: str) -> None:
    make_user(db_url, "alice@example.com")
    login(client, "alice@example.com")
    evil = {"Origin": "https://evil.example"}
    response = client.post(f"{API}/tokens", json={"name": "x"}, headers=evil)
    assert response.status_code == 403
    assert client.get(f"{API}/me", headers=evil).status_code == 200  # reading is harmless
    same = client.post(f"{API}/tokens", json={"name": "x"}, headers={"Origin": "http://testserver"})
    assert same.status_code == 201
