"""Finding and making this agent's collection of a folder."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shuttersense.desktop.agent.client import CoordinatorClient
from shuttersense.desktop.agent.errors import CoordinatorRefused
from shuttersense.desktop.agent.local_collections import collection_for_path, find_collection
from tests.desktop.fake_coordinator import FakeCoordinator

COLLECTIONS = [
    {"guid": "col_0001", "name": "Weddings", "root_path": "/p/weddings"},
    {"guid": "col_0002", "name": "/p/travel", "root_path": "/p/other"},
    {"guid": "col_0003", "name": "Travel", "root_path": "/p/travel/"},
]


@pytest.mark.parametrize(
    ("wanted", "guid"),
    [
        ("col_0003", "col_0003"),
        ("Weddings", "col_0001"),
        ("/p/weddings", "col_0001"),
        ("/p/weddings/", "col_0001"),
        ("/p/travel", "col_0002"),  # a name wins over a folder
        ("/p/travel/", "col_0003"),
    ],
)
def test_find_collection_by_guid_name_or_folder(wanted: str, guid: str) -> None:
    found = find_collection(COLLECTIONS, wanted)
    assert found is not None
    assert found["guid"] == guid


@pytest.mark.parametrize("wanted", ["col_9999", "weddings", "/p", "/p/weddings/2024"])
def test_find_collection_misses(wanted: str) -> None:
    assert find_collection(COLLECTIONS, wanted) is None


def test_an_existing_collection_is_reused(fake: FakeCoordinator, client: CoordinatorClient) -> None:
    fake.collections.append({"guid": "col_0001", "name": "2024", "root_path": "/p/2024"})
    assert collection_for_path(client, "/p/2024", "Another name")["guid"] == "col_0001"
    assert [call.method for call in fake.calls_to("collections")] == ["GET"]


def test_a_missing_collection_is_created(fake: FakeCoordinator, client: CoordinatorClient) -> None:
    made = collection_for_path(client, "/p/2024", "2024")
    assert (made["name"], made["root_path"]) == ("2024", "/p/2024")
    assert fake.collections == [made]


def test_a_name_clash_qualifies_the_name_with_the_parent_folder(
    fake: FakeCoordinator, client: CoordinatorClient
) -> None:
    fake.collections.append({"guid": "col_0001", "name": "2024", "root_path": "/q/2024"})
    made = collection_for_path(client, "/p/studio/2024", "2024")
    assert made["name"] == "2024 (/p/studio)"
    creates = [call.body["name"] for call in fake.calls_to("collections") if call.body]
    assert creates == ["2024", "2024 (/p/studio)"]


def test_other_refusals_are_not_retried(fake: FakeCoordinator, client: CoordinatorClient) -> None:
    fake.fail_next("collections", None, 422)
    with pytest.raises(CoordinatorRefused) as refused:
        collection_for_path(client, "/p/2024", "2024")
    assert refused.value.status == 422
    assert len(fake.calls_to("collections")) == 2


def test_a_collection_another_process_made_meanwhile_is_used(
    fake: FakeCoordinator, client: CoordinatorClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer_collections = fake._collections

    def racing(path: str, body: Any, request: httpx.Request) -> httpx.Response:
        """Another `sync` creates the folder's collection right after this agent's first look."""
        answer = answer_collections(path, body, request)
        if request.method == "GET" and not fake.collections:
            fake.collections.append({"guid": "col_0001", "name": "2024", "root_path": "/p/2024"})
        return answer

    monkeypatch.setattr(fake, "_collections", racing)
    made = collection_for_path(client, "/p/2024", "2024")
    assert made["guid"] == "col_0001"
    assert fake.collections == [made]  # no second collection of the same folder
