"""Job progress over WebSocket, `/api/tools/ws/jobs…`, on SQLite and PostgreSQL: events from
the agent protocol reach the socket, teams stay apart, strangers are refused, and on
PostgreSQL an event crosses from one coordinator instance to another by NOTIFY."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from shuttersense.coordinator.api import job_socket
from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.models import ApiToken, Job
from shuttersense.coordinator.models.base import utcnow
from shuttersense.coordinator.services.sweeper import sweep
from shuttersense.coordinator.settings import Settings
from tests.coordinator.factories import PASSWORD, db, signed_completion, signed_in
from tests.coordinator.test_agents_api import agent_headers, register
from tests.coordinator.test_job_protocol import HASH, photostats_result
from tests.coordinator.test_jobs_api import add_collection, run

WS = "/api/tools/ws/jobs"
AGENT_API = "/api/agent/v1"
GAUGE = "shuttersense_websocket_connections"
SECOND = timedelta(seconds=1)


def receive(socket: WebSocketTestSession, timeout: float = 10) -> dict[str, Any]:
    """The next message, or a failure after `timeout` seconds (the test client has no timeout)."""
    box: dict[str, Any] = {}

    def read() -> None:
        try:
            box["message"] = socket.receive_json()
        except WebSocketDisconnect as exc:
            box["closed"] = exc

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    if "closed" in box:
        raise box["closed"]
    assert "message" in box, f"nothing arrived within {timeout} s"
    return box["message"]


def until(socket: WebSocketTestSession, done: Callable[[dict[str, Any]], bool]) -> list[dict]:
    """The messages up to and including the first that is `done`. Events of changes committed
    just before the socket subscribed may still be on their way (NOTIFY), and arrive first."""
    seen = [receive(socket)]
    while not done(seen[-1]):
        seen.append(receive(socket))
    return seen


def token_of(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def refusal(client: TestClient, url: str, **options: Any) -> tuple[int, str]:
    """The close code and reason of a socket the server refuses."""
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        client.websocket_connect(url, **options) as socket,
    ):
        receive(socket)
    return closed.value.code, closed.value.reason


class Studio:
    """A user and an agent of one team, talking to `client`."""

    def __init__(self, client: TestClient, db_url: str, team: str) -> None:
        email = f"admin@{team.lower()}.example"
        self.client = client
        self.user = signed_in(client, db_url, email, team)
        self.agent = agent_headers(register(client, self.user, f"{team.lower()}-mac"))
        self.collection = add_collection(db_url, email)

    def job(self, tool: str = "photostats") -> str:
        return run(self.client, self.user, self.collection, tool)["guid"]

    def claim(self) -> dict[str, Any]:
        answer = self.client.post(f"{AGENT_API}/jobs/claim", headers=self.agent)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def progress(self, claimed: dict[str, Any], percent: float) -> None:
        answer = self.client.post(
            f"{AGENT_API}/jobs/{claimed['job_guid']}/progress",
            json={
                "claim_token": claimed["claim_token"],
                "stage": "scanning",
                "percent": percent,
                "counts": {"files": 12},
                "message": "reading folders",
            },
            headers=self.agent,
        )
        assert answer.status_code == 200, answer.text

    def complete(self, claimed: dict[str, Any]) -> None:
        answer = self.client.post(
            f"{AGENT_API}/jobs/{claimed['job_guid']}/complete",
            json=signed_completion(claimed, photostats_result(), HASH),
            headers=self.agent,
        )
        assert answer.status_code == 200, answer.text


@pytest.fixture
def studio(client: TestClient, db_url: str) -> Studio:
    return Studio(client, db_url, "Studio")


def test_a_jobs_life_arrives_on_the_team_socket(client: TestClient, studio: Studio) -> None:
    with client.websocket_connect(f"{WS}?token={token_of(studio.user)}") as socket:
        assert receive(socket) == {"event": "subscribed", "job": None}
        guid = studio.job()
        assert receive(socket)["status"] == "queued"
        claimed = studio.claim()
        assert receive(socket)["status"] == "claimed"
        studio.progress(claimed, 40)
        assert receive(socket)["status"] == "running"
        assert receive(socket) == {
            "event": "progress",
            "job": guid,
            "tool": "photostats",
            "status": "running",
            "stage": "scanning",
            "percent": 40,
            "counts": {"files": 12},
            "message": "reading folders",
        }
        studio.complete(claimed)
        done = receive(socket)
        assert (done["event"], done["job"], done["status"]) == ("state", guid, "completed")
        assert "team" not in done


def test_a_job_socket_sees_that_job_only(client: TestClient, studio: Studio) -> None:
    first, second = studio.job(), studio.job("photo_pairing")
    with client.websocket_connect(f"{WS}/{second}", headers=studio.user) as socket:
        assert receive(socket) == {"event": "subscribed", "job": second}
        claimed = studio.claim()  # the oldest: `first`
        assert claimed["job_guid"] == first
        studio.progress(claimed, 10)
        cancelled = studio.client.post(f"/api/jobs/{second}/cancel", headers=studio.user)
        assert cancelled.status_code == 200
        seen = until(socket, lambda event: event["status"] == "cancelled")
        assert {event["job"] for event in seen} == {second}  # none of `first`'s progress


def test_teams_never_see_each_other(client: TestClient, db_url: str, studio: Studio) -> None:
    other = Studio(client, db_url, "Other")
    theirs = studio.job()
    with client.websocket_connect(f"{WS}?token={token_of(other.user)}") as socket:
        receive(socket)
        studio.progress(studio.claim(), 50)
        ours = other.job()
        assert receive(socket)["job"] == ours  # nothing of Studio's came first
    foreign = refusal(client, f"{WS}/{theirs}?token={token_of(other.user)}")
    missing = refusal(client, f"{WS}/job_00000000000000000000000000?token={token_of(other.user)}")
    assert foreign[0] == missing[0] == 1008
    assert foreign[1].replace(theirs, "") == missing[1].replace("job_" + "0" * 26, "")


def test_strangers_are_refused(client: TestClient, studio: Studio) -> None:
    assert refusal(client, WS)[0] == 1008
    assert refusal(client, f"{WS}?token=forged")[0] == 1008
    assert refusal(client, WS, headers=studio.agent)[0] == 1008  # an agent key is not a user
    assert refusal(client, f"{WS}/not%00a-job?token={token_of(studio.user)}")[0] == 1008


def test_a_socket_closes_once_its_token_is_revoked(
    client: TestClient, db_url: str, studio: Studio, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(job_socket, "PING_INTERVAL", 0.2)
    with client.websocket_connect(f"{WS}?token={token_of(studio.user)}") as socket:
        assert receive(socket)["event"] == "subscribed"
        assert receive(socket) == {"event": "ping"}  # still signed in: kept open
        with db(db_url) as session:
            session.execute(update(ApiToken).values(revoked_at=utcnow()))
            session.commit()
        with pytest.raises(WebSocketDisconnect) as closed:
            for _ in range(50):  # 10 s of pings at most
                assert receive(socket, timeout=5) == {"event": "ping"}
    assert closed.value.code == 1008 and "revoked" in closed.value.reason


def test_the_session_cookie_works_from_this_site_only(client: TestClient, studio: Studio) -> None:
    login = client.post(
        "/api/auth/login", json={"email": "admin@studio.example", "password": PASSWORD}
    )
    assert login.status_code == 200
    with client.websocket_connect(WS, headers={"Origin": "http://testserver"}) as socket:
        assert receive(socket)["event"] == "subscribed"
    code, reason = refusal(client, WS, headers={"Origin": "https://evil.example"})
    assert code == 1008 and "another site" in reason


def test_metrics_count_open_sockets(client: TestClient, studio: Studio) -> None:
    def gauge() -> str:
        lines = client.get("/metrics").text.splitlines()
        return next(line for line in lines if line.startswith(f"{GAUGE} "))

    assert gauge().endswith(" 0")
    with client.websocket_connect(f"{WS}?token={token_of(studio.user)}") as socket:
        receive(socket)
        assert gauge().endswith(" 1")
    deadline = time.monotonic() + 5
    while not gauge().endswith(" 0"):
        assert time.monotonic() < deadline, "the closed socket is still counted"
        time.sleep(0.05)


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # SQLite's bus is in-process
def test_an_event_crosses_instances_by_notify(settings: Settings, db_url: str) -> None:
    with (
        TestClient(create_app(settings, sweep_interval=None)) as one,
        TestClient(create_app(settings, sweep_interval=None)) as two,
    ):
        studio = Studio(one, db_url, "Studio")
        guid = studio.job()
        claimed = studio.claim()
        with two.websocket_connect(f"{WS}/{guid}?token={token_of(studio.user)}") as socket:
            assert receive(socket)["event"] == "subscribed"
            studio.progress(claimed, 75)  # sent to instance one
            seen = until(socket, lambda event: event["event"] == "progress")
            assert seen[-1]["percent"] == 75 and seen[-2]["status"] == "running"


def test_the_sweeper_announces_a_job_it_requeues(
    client: TestClient, studio: Studio, db_url: str
) -> None:
    guid = studio.job()
    studio.claim()
    with client.websocket_connect(f"{WS}/{guid}?token={token_of(studio.user)}") as socket:
        receive(socket)
        with db(db_url) as session:
            session.execute(
                update(Job).where(Job.guid == guid).values(lease_expires_at=utcnow() - SECOND)
            )
            session.commit()
        with client.app.state.sessions() as session:  # as the app's own sweeper runs it
            assert sweep(session)["requeued"] == 1
        event = until(socket, lambda event: event["error"] is not None)[-1]
        assert (event["status"], event["attempts"]) == ("queued", 1)
        assert "lease expired" in event["error"]
