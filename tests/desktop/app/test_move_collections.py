"""Registering this computer again moves the earlier registration's collections to the new one:
only that agent's, each refusal said and no other stopped by it, a listing that fails said
once (the user API answered by an httpx MockTransport)."""

from __future__ import annotations

import json

import httpx

from shuttersense.desktop.app.api import UserApiClient
from shuttersense.desktop.app.first_run_steps import move_collections

BASE = "http://coordinator.test"
EARLIER, NEW, OTHER = "agt_earlier", "agt_new", "agt_other"


def _collection(guid: str, agent: str) -> dict[str, object]:
    return {"guid": guid, "name": guid, "root_path": f"/photos/{guid}", "agent": agent}


def _client(handler: httpx.MockTransport) -> UserApiClient:
    return UserApiClient(BASE, "token", transport=handler)


def test_only_the_earlier_agents_collections_move_and_a_refusal_stops_no_other() -> None:
    listed = [_collection("col_a", EARLIER), _collection("col_b", OTHER)]
    listed.append(_collection("col_c", EARLIER))
    moved: list[tuple[str, object]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json=listed)
        guid = request.url.path.rsplit("/", 1)[1]
        moved.append((guid, json.loads(request.content)))
        if guid == "col_a":
            detail = [{"loc": ["body"], "msg": "is not inside the authorized roots"}]
            return httpx.Response(422, json={"detail": detail})
        return httpx.Response(200, json=_collection(guid, NEW))

    with _client(httpx.MockTransport(answer)) as client:
        problems = move_collections(client, EARLIER, NEW)

    assert moved == [("col_a", {"agent": NEW}), ("col_c", {"agent": NEW})]
    [refused] = problems
    assert refused.startswith("/photos/col_a: ") and "authorized roots" in refused


def test_a_listing_that_fails_is_said_once() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={"detail": "restarting"})

    with _client(httpx.MockTransport(answer)) as client:
        [said] = move_collections(client, EARLIER, NEW)
    assert said.startswith("the collections of the earlier registration stay with it: ")


def test_nothing_to_move_without_an_earlier_registration() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"no call expected: {request.url}")

    with _client(httpx.MockTransport(answer)) as client:
        assert move_collections(client, None, NEW) == []
        assert move_collections(client, NEW, NEW) == []
