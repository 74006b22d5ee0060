"""The jobs WebSocket listener against a real coordinator (both databases): live, lost when the
coordinator stops, live again when it is back on the same address (with a `subscribed` event,
so the app reads the list again); a token the coordinator refuses ends the listening."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.settings import Settings
from shuttersense.desktop.app.api.job_events import JobEvents, SocketState, socket_url
from tests.coordinator.factories import team_with_token
from tests.desktop.app.team_server import ADMIN, ADMIN_PASSWORD, TeamServer
from tests.desktop.app.test_api_client import api_token
from tests.helpers.agent_process import wait_for
from tests.helpers.live_server import free_port, live_server


class Heard:
    """What the listener delivered, from its own thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.events: list[dict[str, Any]] = []
        self.states: list[SocketState] = []

    def event(self, event: dict[str, Any]) -> None:
        with self.lock:
            self.events.append(event)

    def state(self, state: SocketState) -> None:
        with self.lock:
            self.states.append(state)

    def count(self, test: Callable[[Any], bool], of: str) -> int:
        with self.lock:
            return sum(1 for item in getattr(self, of) if test(item))


def test_socket_addresses() -> None:
    assert socket_url("http://127.0.0.1:8080") == "ws://127.0.0.1:8080/api/tools/ws/jobs"
    assert socket_url("https://ss.example/") == "wss://ss.example/api/tools/ws/jobs"


def test_reconnects_after_the_coordinator_comes_back(settings: Settings, db_url: str) -> None:
    team_with_token(db_url, "Studio")
    port = free_port()
    heard = Heard()
    with live_server(create_app(settings, sweep_interval=None), port=port) as base:
        token, _ = api_token(TeamServer(base, db_url), ADMIN, ADMIN_PASSWORD)
        events = JobEvents(base, lambda: token, heard.event, heard.state)
        events.start()
        wait_for(
            lambda: heard.count(lambda e: e.get("event") == "subscribed", "events") == 1,
            what="the first subscription",
        )
        assert heard.states[-1].live
    try:
        wait_for(
            lambda: heard.count(lambda s: "reconnecting" in s.text, "states"),
            what="the loss to be told",
        )
        lost = next(s for s in heard.states if not s.live)
        assert lost.text.startswith("live updates lost (") and not lost.signed_out
        with live_server(create_app(settings, sweep_interval=None), port=port):
            wait_for(
                lambda: heard.count(lambda e: e.get("event") == "subscribed", "events") == 2,
                timeout=60,
                what="the listener to come back",
            )
            assert heard.states[-1].live
    finally:
        events.stop(wait=10)
    assert not events.running()


def test_a_refused_token_ends_the_listening(team_server: TeamServer) -> None:
    heard = Heard()
    events = JobEvents(team_server.base, lambda: "sst_not-a-token", heard.event, heard.state)
    events.start()
    wait_for(lambda: heard.states, what="the refusal")
    [refused] = heard.states
    assert refused.signed_out and not refused.live
    assert refused.text.startswith(
        "the coordinator no longer accepts your sign-in for live updates: sign in again"
    )
    wait_for(lambda: not events.running(), what="the listener to end by itself")
    assert heard.events == []
