"""The dashboard's doors (both databases): the first-run screen of an empty instance, signing in
and out on server-side sessions rotated at sign-in, CSRF and origin checks on every form and on
the scripts' calls, and the security headers of every answer."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from shuttersense.coordinator.api.session_cookie import SESSION_COOKIE
from shuttersense.coordinator.models import AuditEvent, User
from shuttersense.coordinator.web.security import CONTENT_SECURITY_POLICY
from tests.coordinator.dashboard_rig import csrf_of, page_posts, pages, sign_in, submit
from tests.coordinator.factories import PASSWORD, Teams, db
from tests.coordinator.tenants import World, build_world

FIRST = {"team": "Studio <b>", "email": "first@studio.example", "password": PASSWORD}


def _users(db_url: str) -> int:
    with db(db_url) as session:
        return int(session.scalar(select(func.count()).select_from(User)) or 0)


def test_an_empty_instance_opens_on_the_first_run_screen(client: TestClient, db_url: str) -> None:
    assert client.get("/", follow_redirects=False).headers["location"] == "/setup"
    assert client.get("/login", follow_redirects=False).headers["location"] == "/setup"
    screen = client.get("/setup")
    assert screen.status_code == 200 and "Create the admin" in screen.text
    token = csrf_of(screen)
    refused = submit(client, "/setup", {**FIRST, "password_again": PASSWORD}, "forged")
    assert refused.status_code == 403 and _users(db_url) == 0
    differ = submit(client, "/setup", {**FIRST, "password_again": "something else"}, token)
    assert differ.status_code == 422 and "differ" in differ.text and _users(db_url) == 0

    made = submit(client, "/setup", {**FIRST, "password_again": PASSWORD}, token)
    assert made.status_code == 303 and made.headers["location"] == "/"
    overview = client.get("/")
    assert overview.status_code == 200 and "first@studio.example" in overview.text
    assert "Studio &lt;b&gt;" in overview.text
    assert client.get("/setup", follow_redirects=False).headers["location"] == "/login"

    other = TestClient(client.app)  # a second browser, too late
    late = {**FIRST, "email": "second@x.example", "password_again": PASSWORD}
    answer = submit(other, "/setup", late, csrf_of(other.get("/login")))
    assert answer.status_code == 303 and answer.headers["location"] == "/login?notice=taken"
    assert _users(db_url) == 1


def test_signing_in_replaces_a_session_planted_in_the_browser(
    client: TestClient, teams: Teams
) -> None:
    planted = sign_in(client, "member@studio.example", PASSWORD)  # the attacker's own session
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, planted, domain="testserver.local")  # in the victim's
    mine = sign_in(client, "admin@studio.example", PASSWORD)
    assert mine != planted
    assert client.get("/api/auth/me").json()["email"] == "admin@studio.example"
    attacker = TestClient(client.app, cookies={SESSION_COOKIE: planted})
    assert attacker.get("/api/auth/me").status_code == 401  # ended at the victim's sign-in
    assert attacker.get("/", follow_redirects=False).headers["location"] == "/login"


def test_signing_out_ends_the_session(client: TestClient, teams: Teams) -> None:
    cookie = sign_in(client, "admin@studio.example", PASSWORD)
    out = submit(client, "/logout", {}, csrf_of(client.get("/")))
    assert out.status_code == 303 and out.headers["location"] == "/login?notice=signed-out"
    assert SESSION_COOKIE not in client.cookies
    stale = TestClient(client.app, cookies={SESSION_COOKIE: cookie})
    assert stale.get("/jobs", follow_redirects=False).headers["location"] == "/login?next=/jobs"
    assert "You are signed out." in client.get("/login?notice=signed-out").text


def test_a_wrong_password_says_so_on_the_sign_in_page(client: TestClient, teams: Teams) -> None:
    page = client.get("/login")
    answer = submit(
        client, "/login", {"email": "admin@studio.example", "password": "nope"}, csrf_of(page)
    )
    assert answer.status_code == 401 and "wrong email or password" in answer.text
    assert SESSION_COOKIE not in client.cookies


@pytest.mark.parametrize(
    ("wanted", "target"),
    [
        ("/jobs?status=failed", "/jobs?status=failed"),
        ("//evil.example/x", "/"),
        ("/\\evil.example/x", "/"),
        ("/\t/evil.example/x", "/"),
        ("https://evil.example/", "/"),
    ],
)
def test_sign_in_sends_the_browser_on_only_to_a_page_of_this_site(
    client: TestClient, teams: Teams, wanted: str, target: str
) -> None:
    page = client.get("/login", params={"next": wanted})
    answer = client.post(
        "/login",
        params={"next": wanted},
        data={"csrf": csrf_of(page), "email": "admin@studio.example", "password": PASSWORD},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == target


def test_sign_in_refuses_a_form_from_another_site(client: TestClient, teams: Teams) -> None:
    token = csrf_of(client.get("/login"))
    fields = {"email": "admin@studio.example", "password": PASSWORD}
    for headers in ({"Origin": "https://evil.example"}, {}):
        answer = client.post(
            "/login",
            data={"csrf": token if headers else "", **fields},
            headers=headers,
            follow_redirects=False,
        )
        assert answer.status_code == 403, answer.text
    assert SESSION_COOKIE not in client.cookies


@pytest.fixture
def world(client: TestClient, db_url: str) -> World:
    return build_world(client, db_url)


def _audit_count(db_url: str) -> int:
    with db(db_url) as session:
        return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def _own_path(path: str, world: World) -> str:
    kinds = {"agents": "agent", "users": "user", "tokens": "api_token", "jobs": "job"}
    kinds.update(collections="collection", results="result")
    parts = path.strip("/").split("/")
    for index, part in enumerate(parts):
        if part == "{guid}":
            parts[index] = world.guids[kinds[parts[index - 1]]]
    return "/" + "/".join(parts)


def test_every_form_refuses_a_missing_forged_or_foreign_token(
    client: TestClient, world: World, db_url: str
) -> None:
    """Each form of the dashboard, signed in, on the team's own GUIDs: without the token, with
    the token of another session or from another site's page, it is refused and changes
    nothing."""
    other = TestClient(client.app)
    sign_in(other, "admin@beta.example", PASSWORD)
    foreign = csrf_of(other.get("/"))
    sign_in(client, "admin@alpha.example", PASSWORD)
    good = csrf_of(client.get("/"))
    posts = [p for p in page_posts(client.app) if p not in ("/login", "/setup")]  # type: ignore[arg-type]
    assert "/logout" in posts and "/collections/{guid}/run" in posts
    before = _audit_count(db_url)
    problems = []
    for path in posts:
        url = _own_path(path, world)
        fields = {"tool": "photostats", "name": "x", "role": "member", "email": "n@alpha.example"}
        tries = {
            "no token": client.post(url, data=fields, follow_redirects=False),
            "another session's": submit(client, url, fields, foreign),
            "another site": client.post(
                url,
                data={"csrf": good, **fields},
                headers={"Origin": "https://evil.example"},
                follow_redirects=False,
            ),
        }
        for what, answer in tries.items():
            if answer.status_code != 403:
                problems.append(f"POST {path} with {what}: {answer.status_code}")
    assert not problems, "\n".join(problems)
    assert _audit_count(db_url) == before
    assert client.get("/api/auth/me").status_code == 200  # still signed in: logout refused too


def test_the_scripts_calls_need_the_pages_token(client: TestClient, teams: Teams) -> None:
    sign_in(client, "admin@studio.example", PASSWORD)
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text)
    assert token
    change = {"results_ready": True}
    assert client.put("/api/push/preferences", json=change).status_code == 403
    forged = client.put("/api/push/preferences", json=change, headers={"X-CSRF-Token": "x"})
    assert forged.status_code == 403
    assert client.get("/api/push/preferences").json()["results_ready"] is False
    done = client.put(
        "/api/push/preferences", json=change, headers={"X-CSRF-Token": token.group(1)}
    )
    assert done.status_code == 200 and done.json()["results_ready"] is True


def test_every_answer_carries_the_security_headers(client: TestClient, world: World) -> None:
    sign_in(client, "admin@alpha.example", PASSWORD)
    checked = []
    for path in [*pages(client.app), "/manifest.webmanifest", "/sw.js"]:  # type: ignore[arg-type]
        url = _own_path(path, world)
        answer = client.get(url, follow_redirects=False)
        assert answer.status_code in (200, 303), f"{url}: {answer.status_code}"
        headers = answer.headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, url
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY", url
        assert headers["referrer-policy"] == "same-origin", url
        assert headers["x-content-type-options"] == "nosniff", url
        if answer.status_code == 200 and url not in ("/manifest.webmanifest", "/sw.js"):
            assert headers["cache-control"] == "no-store", url
            checked.append(url)
    assert len(checked) >= 10
    script = re.search(r'src="(/assets/app\.[0-9a-f]{12}\.js)"', client.get("/").text)
    assert script
    asset = client.get(script.group(1))
    assert asset.status_code == 200 and "immutable" in asset.headers["cache-control"]
    assert asset.headers["content-type"].startswith("text/javascript")
    assert client.get("/assets/app.000000000000.js").status_code == 404
