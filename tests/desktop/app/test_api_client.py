"""The user API client against a real coordinator: typed answers, and every failure translated
into the app's errors with a message that says what to do (both databases)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse, PlainTextResponse

from shuttersense.desktop.app.api import (
    Invalid,
    NotAllowed,
    NotShutterSense,
    ServerFailed,
    ServerUnreachable,
    SignInRequired,
    UserApiClient,
)
from tests.desktop.app.team_server import ADMIN, ADMIN_PASSWORD, MEMBER, MEMBER_PASSWORD, TeamServer
from tests.helpers.live_server import free_port, live_server


def signed_in(server: TeamServer, email: str, password: str) -> UserApiClient:
    return UserApiClient(server.base, api_token(server, email, password)[0])


def api_token(server: TeamServer, email: str, password: str) -> tuple[str, str]:
    """(token, its GUID), made with a sign-in session."""
    with UserApiClient(server.base) as session:
        session.login(email, password)
        made = session.create_token("tests")
    return made.token, made.guid


def test_health_and_typed_answers(team_server: TeamServer) -> None:
    with UserApiClient(team_server.base + "/") as anonymous:
        assert anonymous.server_url == team_server.base
        assert anonymous.health().status == "healthy"
    with signed_in(team_server, ADMIN, ADMIN_PASSWORD) as client:
        me = client.me()
        assert (me.email, me.role, me.is_admin, me.team.name) == (ADMIN, "admin", True, "Studio")
        assert client.collections() == []
        assert client.results() == []
        pool = client.pool_status()
        assert (pool.total, pool.online, pool.status) == (0, 0, "offline")
        assert client.create_registration_token().token.startswith("art_")
        assert client.trend_points("photostats") == []


def test_wrong_password_says_so(team_server: TeamServer) -> None:
    with UserApiClient(team_server.base) as client, pytest.raises(SignInRequired) as caught:
        client.login(ADMIN, "not the password")
    assert str(caught.value) == "the e-mail address or the password is wrong; try again"


def test_a_revoked_token_asks_to_sign_in_again(team_server: TeamServer) -> None:
    token, guid = api_token(team_server, ADMIN, ADMIN_PASSWORD)
    with UserApiClient(team_server.base, token) as client:
        client.revoke_token(guid)
        with pytest.raises(SignInRequired) as caught:
            client.collections()
    assert str(caught.value).startswith("the coordinator wants you to sign in again (")


def test_members_cannot_make_registration_tokens(team_server: TeamServer) -> None:
    team_server.add_member()
    with (
        signed_in(team_server, MEMBER, MEMBER_PASSWORD) as client,
        pytest.raises(NotAllowed, match="only team admins may do this; ask one"),
    ):
        client.create_registration_token()


def test_refusals_carry_the_servers_reasons(team_server: TeamServer) -> None:
    with UserApiClient(team_server.base) as client, pytest.raises(Invalid) as caught:
        client.login("", "")  # 422: FastAPI's list of reasons, one a line
    assert caught.value.status == 422
    assert str(caught.value) == (
        "email: String should have at least 1 character\n"
        "password: String should have at least 1 character"
    )


def test_nobody_listening_is_unreachable() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with UserApiClient(url) as client, pytest.raises(ServerUnreachable) as caught:
        client.health()
    assert str(caught.value).startswith(f"cannot reach {url} (ConnectError")
    assert "check the address and your network" in str(caught.value)


def test_another_server_is_not_shuttersense() -> None:
    other = FastAPI()

    @other.get("/health")
    def health() -> dict[str, str]:
        return {"ok": "yes"}

    with (
        live_server(other) as base,
        UserApiClient(base) as client,
        pytest.raises(NotShutterSense, match="is this the address of a ShutterSense"),
    ):
        client.health()
    with (
        live_server(FastAPI()) as base,
        UserApiClient(base) as client,
        pytest.raises(NotShutterSense, match="has no /health"),
    ):
        client.health()


def test_a_coordinator_without_its_database() -> None:
    down = FastAPI()

    @down.get("/health")
    def health() -> JSONResponse:  # what the coordinator answers when its database is gone
        body = {"status": "unhealthy", "version": "0.1.0", "database": "disconnected"}
        return JSONResponse(body, status_code=503)

    with (
        live_server(down) as base,
        UserApiClient(base) as client,
        pytest.raises(ServerFailed) as caught,
    ):
        client.health()
    assert str(caught.value) == (
        f"the coordinator at {base} runs, but its database is disconnected: tell its "
        "administrator, then try again"
    )
    proxy = FastAPI()

    @proxy.get("/health")
    def gateway() -> PlainTextResponse:  # a proxy in front of a coordinator that is not there
        return PlainTextResponse("Service Unavailable", status_code=503)

    with (
        live_server(proxy) as base,
        UserApiClient(base) as client,
        pytest.raises(ServerUnreachable, match="the coordinator behind it is down"),
    ):
        client.health()


def test_not_a_url() -> None:
    with pytest.raises(Invalid, match="is not an http"):
        UserApiClient("shuttersense.example.com")
