"""The protocol client: URLs, the bearer key, and every failure translated into agent errors."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest

from shuttersense.desktop.agent.client import (
    GZIP_ABOVE,
    PREFIX,
    CoordinatorClient,
    normalise_server_url,
)
from shuttersense.desktop.agent.errors import (
    AuthRefused,
    ClaimLost,
    CoordinatorRefused,
    CoordinatorUnreachable,
)

SERVER = "http://coordinator.test"


def answering(*responses: httpx.Response | Exception) -> tuple[CoordinatorClient, list]:
    """A client whose coordinator gives these answers in turn; also the requests it got."""
    seen: list[httpx.Request] = []
    queue = list(responses)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return CoordinatorClient(SERVER, "agt_key_x", transport=httpx.MockTransport(handle)), seen


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://ss.example/", "https://ss.example"),
        ("  http://10.0.0.2:8000  ", "http://10.0.0.2:8000"),
        ("https://ss.example/base//", "https://ss.example/base"),
    ],
)
def test_normalise_server_url(given: str, expected: str) -> None:
    assert normalise_server_url(given) == expected


@pytest.mark.parametrize(
    "given", ["ss.example", "ftp://ss.example", "https://", "", "localhost:80"]
)
def test_normalise_server_url_refuses_non_http_urls(given: str) -> None:
    with pytest.raises(ValueError, match="not an http"):
        normalise_server_url(given)


def test_calls_go_under_the_protocol_prefix_with_the_bearer_key() -> None:
    client, seen = answering(httpx.Response(200, json={"commands": []}))
    with client:
        assert client.heartbeat({"status": "idle"}) == {"commands": []}
    [request] = seen
    assert request.method == "POST"
    assert str(request.url) == f"{SERVER}{PREFIX}/heartbeat"
    assert request.headers["authorization"] == "Bearer agt_key_x"


def test_register_sends_no_authorization() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"agent_guid": "agt_1"})

    with CoordinatorClient(SERVER + "/", transport=httpx.MockTransport(handle)) as client:
        assert client.register({"registration_token": "art_x"})["agent_guid"] == "agt_1"
        assert client.server_url == SERVER
    assert "authorization" not in seen[0].headers


def test_claim_204_is_none_and_200_is_the_audit() -> None:
    claimed = {"audit_guid": "adt_1", "jobs": []}
    client, seen = answering(httpx.Response(204), httpx.Response(200, json=claimed))
    with client:
        assert client.claim_audit(0) is None
        assert client.claim_audit(25) == claimed
    assert [request.url.params["wait"] for request in seen] == ["0", "25"]
    assert {request.url.path for request in seen} == {f"{PREFIX}/audits/claim"}


def test_a_large_result_body_travels_gzip_compressed_and_a_small_one_plain() -> None:
    client, seen = answering(httpx.Response(200, json={}), httpx.Response(200, json={}))
    big = {"claim_token": "tok", "outcomes": [{"kind": "fail", "error": "x" * (2 * GZIP_ABOVE)}]}
    small = {"claim_token": "tok", "outcomes": []}
    with client:
        client.complete_audit("adt_1", big)
        client.complete_audit("adt_1", small)
    packed, plain = seen
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.headers["content-type"] == "application/json"
    assert len(packed.content) < GZIP_ABOVE
    assert json.loads(gzip.decompress(packed.content)) == big
    assert "content-encoding" not in plain.headers
    assert json.loads(plain.content) == small


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("garbage"),
    ],
)
def test_transport_failures_are_unreachable(failure: Exception) -> None:
    client, _ = answering(failure)
    with client, pytest.raises(CoordinatorUnreachable, match="cannot reach the coordinator") as e:
        client.pool_status()
    assert SERVER in str(e.value)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_unreachable(status: int) -> None:
    client, _ = answering(httpx.Response(status, json={"detail": "database is down"}))
    with client, pytest.raises(CoordinatorUnreachable, match="database is down") as e:
        client.config()
    assert not isinstance(e.value, CoordinatorRefused)


@pytest.mark.parametrize("status", [401, 403])
def test_auth_failures_are_auth_refused(status: int) -> None:
    client, _ = answering(httpx.Response(status, json={"detail": "this agent was revoked"}))
    with client, pytest.raises(AuthRefused) as e:
        client.heartbeat({})
    assert (e.value.status, e.value.detail) == (status, "this agent was revoked")


def test_conflict_is_claim_lost() -> None:
    client, _ = answering(httpx.Response(409, json={"detail": "this claim was superseded"}))
    with client, pytest.raises(ClaimLost) as e:
        client.audit_progress("adt_1", {"claim_token": "t"})
    assert e.value.status == 409
    assert "superseded" in str(e.value)


def test_other_refusals_carry_status_and_detail() -> None:
    detail = [{"loc": ["body", "result"], "msg": "field required"}]
    client, _ = answering(
        httpx.Response(422, json={"detail": detail}),
        httpx.Response(404, text="<html>not found</html>"),
    )
    with client:
        with pytest.raises(CoordinatorRefused) as e:
            client.complete("job_1", {})
        assert type(e.value) is CoordinatorRefused
        assert e.value.status == 422
        assert "field required" in e.value.detail
        assert "(422)" in str(e.value)
        with pytest.raises(CoordinatorRefused) as e:
            client.no_change("job_1", {})
        assert (e.value.status, e.value.detail) == (404, "<html>not found</html>")
