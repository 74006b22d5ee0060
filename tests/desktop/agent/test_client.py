"""The protocol client: URLs, the bearer key, and every failure translated into agent errors."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest

from shuttersense.common.agent_protocol import (
    CompleteRequest,
    HeartbeatRequest,
    NoChangeRequest,
    ProgressRequest,
    RegisterRequest,
)
from shuttersense.common.audit_protocol import AuditCompleteRequest
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
from shuttersense.desktop.agent.executor import Outcome, wire_outcome
from tests.desktop.fake_coordinator import audit_claim, make_claim

SERVER = "http://coordinator.test"
BEAT = {"server_time": "2026-01-01T00:00:00Z", "heartbeat_interval": 30, "commands": []}
SIG = "0" * 64
UNCHANGED = NoChangeRequest(claim_token="t", input_state_hash="a" * 64, source_result_guid="r")
REGISTERED = {
    "agent_guid": "agt_1",
    "agent_key": "agt_key_1",
    "team_guid": "tea_1",
    "heartbeat_interval": 30,
    "poll_interval": 30,
}


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
    client, seen = answering(httpx.Response(200, json=BEAT))
    with client:
        assert client.heartbeat(HeartbeatRequest(status="idle")).commands == []
    [request] = seen
    assert request.method == "POST"
    assert str(request.url) == f"{SERVER}{PREFIX}/heartbeat"
    assert request.headers["authorization"] == "Bearer agt_key_x"


def test_register_sends_no_authorization() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json=REGISTERED)

    with CoordinatorClient(SERVER + "/", transport=httpx.MockTransport(handle)) as client:
        body = RegisterRequest(registration_token="art_x", name="Mac")
        assert client.register(body).agent_guid == "agt_1"
        assert client.server_url == SERVER
    assert "authorization" not in seen[0].headers


def test_claim_204_is_none_and_200_is_the_audit() -> None:
    claimed = audit_claim(make_claim("/p"))
    client, seen = answering(httpx.Response(204), httpx.Response(200, json=claimed))
    with client:
        assert client.claim_audit(0) is None
        audit = client.claim_audit(25)
        assert audit is not None and audit.audit_guid == "adt_0001"
        assert [job.job_guid for job in audit.jobs] == ["job_0001"]
        assert audit.collection is not None and audit.collection.root_path == "/p"
    assert [request.url.params["wait"] for request in seen] == ["0", "25"]
    assert {request.url.path for request in seen} == {f"{PREFIX}/audits/claim"}


def test_a_failure_goes_truncated_with_the_token() -> None:
    answer = {"outcomes": [{"job_guid": "job_1", "status": "failed"}]}
    client, seen = answering(httpx.Response(200, json=answer))
    failed = wire_outcome(Outcome("fail", error="x" * 5000, retryable=True, job_guid="job_1"))
    with client:
        body = AuditCompleteRequest.model_validate({"claim_token": "tok", "outcomes": [failed]})
        assert client.complete_audit("adt_1", body).outcomes[0].status == "failed"
    sent = json.loads(gzip.decompress(seen[0].content))  # over GZIP_ABOVE
    assert sent == {
        "claim_token": "tok",
        "outcomes": [{"kind": "fail", "job_guid": "job_1", "error": "x" * 4000, "retryable": True}],
    }
    assert seen[0].url.path == f"{PREFIX}/audits/adt_1/complete"


def test_a_large_result_body_travels_gzip_compressed_and_a_small_one_plain() -> None:
    answer = {"outcomes": []}
    client, seen = answering(httpx.Response(200, json=answer), httpx.Response(200, json=answer))
    failures = [
        {"kind": "fail", "job_guid": f"job_{n}", "error": "x" * 3000, "retryable": False}
        for n in range(3)
    ]
    big = AuditCompleteRequest.model_validate({"claim_token": "tok", "outcomes": failures})
    small = AuditCompleteRequest.model_validate({"claim_token": "tok", "outcomes": failures[:1]})
    with client:
        client.complete_audit("adt_1", big)
        client.complete_audit("adt_1", small)
    packed, plain = seen
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.headers["content-type"] == "application/json"
    assert len(packed.content) < GZIP_ABOVE
    assert json.loads(gzip.decompress(packed.content)) == big.model_dump(mode="json")
    assert "content-encoding" not in plain.headers
    assert json.loads(plain.content) == small.model_dump(mode="json")


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
        client.heartbeat(HeartbeatRequest())
    assert (e.value.status, e.value.detail) == (status, "this agent was revoked")


def test_conflict_is_claim_lost() -> None:
    client, _ = answering(httpx.Response(409, json={"detail": "this claim was superseded"}))
    with client, pytest.raises(ClaimLost) as e:
        client.audit_progress("adt_1", ProgressRequest(claim_token="t"))
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
            client.complete("job_1", CompleteRequest(claim_token="t", result={}, signature=SIG))
        assert type(e.value) is CoordinatorRefused
        assert e.value.status == 422
        assert "field required" in e.value.detail
        assert "(422)" in str(e.value)
        with pytest.raises(CoordinatorRefused) as e:
            client.no_change("job_1", UNCHANGED)
        assert (e.value.status, e.value.detail) == (404, "<html>not found</html>")


def test_an_answer_the_agent_does_not_understand_is_refused_with_what_to_do() -> None:
    client, _ = answering(httpx.Response(200, json={"server_time": "not a time"}))
    with client, pytest.raises(CoordinatorRefused, match=r"does not understand.*Update") as e:
        client.heartbeat(HeartbeatRequest())
    assert e.value.status == 200


def test_answers_with_fields_a_newer_coordinator_added_are_understood() -> None:
    client, _ = answering(httpx.Response(200, json={**BEAT, "new_field": 1}))
    with client:
        assert client.heartbeat(HeartbeatRequest()).heartbeat_interval == 30
