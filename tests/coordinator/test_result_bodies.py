"""Results sent whole in a large body (`complete`, offline `results`) are read in the parsing
process, with the same answers and the same stored rows as a small body read in the server
process (both databases). An audit's large outcomes: tests/coordinator/test_packed_results.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shuttersense.common.results import FilesByFolder, PhotoStatsResult
from shuttersense.coordinator.api.result_bodies import PARSED_APART_ABOVE
from shuttersense.coordinator.models import Result
from shuttersense.coordinator.parse_pool import ParsePool
from shuttersense.coordinator.services import trend_metrics
from tests.coordinator.factories import db, signed_completion, signed_in
from tests.coordinator.test_jobs_api import AGENT_API, add_collection, run
from tests.coordinator.test_results_api import photostats
from tests.coordinator.test_trends_api import _agent, _claim

EMAIL = "member@studio.example"
HASH = "d" * 64
T = TypeVar("T")


class CountingPool(ParsePool):
    """The app's parsing process, counting what it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def run(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        self.calls += 1
        return super().run(work, *args, **kwargs)


@pytest.fixture
def pool(client: TestClient) -> Iterator[CountingPool]:
    counting = CountingPool()
    client.app.state.parse_pool = counting  # type: ignore[attr-defined]
    yield counting
    counting.close()


def sized(orphans: int) -> dict[str, Any]:
    by_folder = {f"2024/shoot-{n:05d}": [f"AB3D{n % 10000:04d}.CR3"] for n in range(orphans)}
    found = FilesByFolder(count=orphans, by_folder=by_folder)
    result: PhotoStatsResult = photostats().model_copy(update={"orphaned_images": found})
    return result.model_dump(mode="json")


LARGE = sized(12_000)  # about 500 KiB of JSON
SMALL = sized(3)


def _studio(client: TestClient, db_url: str) -> tuple[dict[str, str], dict[str, str], str]:
    headers = signed_in(client, db_url, EMAIL, "Studio")
    collection = add_collection(db_url, EMAIL)
    return headers, _agent(client, db_url), collection


def _stored(db_url: str, guid: str) -> Result:
    with db(db_url) as session:
        found = session.scalar(select(Result).where(Result.guid == guid))
        assert found is not None
        session.expunge(found)
        return found


def test_a_large_completion_is_read_apart_and_stored_as_a_small_one(
    client: TestClient, db_url: str, pool: CountingPool
) -> None:
    headers, agent, collection = _studio(client, db_url)
    answers = []
    for result in (SMALL, LARGE):
        run(client, headers, collection, "photostats")
        claimed = _claim(client, agent)
        body = signed_completion(claimed, result, HASH)
        answer = client.post(
            f"{AGENT_API}/jobs/{claimed['job_guid']}/complete", json=body, headers=agent
        )
        assert answer.status_code == 200, answer.text
        answers.append(answer.json()["result_guid"])
    assert pool.calls == 1  # the large body only
    assert len(str(LARGE)) > PARSED_APART_ABOVE
    for guid, result in zip(answers, (SMALL, LARGE), strict=True):
        stored = _stored(db_url, guid)
        assert stored.results_json == result
        assert stored.trend_counts == trend_metrics.counts("photostats", result)
        assert (stored.files_scanned, stored.issues_found) == (
            4,
            result["orphaned_images"]["count"] + 1,
        )


def test_a_large_body_is_refused_as_a_small_one_is(
    client: TestClient, db_url: str, pool: CountingPool
) -> None:
    headers, agent, collection = _studio(client, db_url)
    run(client, headers, collection, "photostats")
    claimed = _claim(client, agent)
    url = f"{AGENT_API}/jobs/{claimed['job_guid']}/complete"

    def sent(result: dict[str, Any], **change: Any) -> tuple[int, Any]:
        body = {**signed_completion(claimed, result, HASH), **change}
        answer = client.post(url, json=body, headers=agent)
        return answer.status_code, answer.json()["detail"]

    forged = signed_completion(claimed, LARGE, HASH, secret="not the claim's secret")
    assert sent(LARGE, signature=forged["signature"])[0] == 403
    broken = {**LARGE, "total_files": "many"}
    small_broken = {**SMALL, "total_files": "many"}
    status, detail = sent(broken)
    assert (status, detail) == sent(small_broken)  # signed, then refused for its schema
    assert status == 422 and "does not follow its schema" in detail[0]["msg"]
    missing = sent(LARGE, claim_token=None)
    assert missing == sent(SMALL, claim_token=None)  # FastAPI's own 422 of the envelope
    not_json = b'{"claim_token": "x", "result": {' + b" " * PARSED_APART_ABOVE
    answer = client.post(
        url, content=not_json, headers={**agent, "Content-Type": "application/json"}
    )
    assert answer.status_code == 422
    [error] = answer.json()["detail"]
    assert error["type"] == "json_invalid" and error["loc"][0] == "body"
    assert pool.calls == 4
    with db(db_url) as session:
        assert session.scalars(select(Result)).all() == []


def test_a_large_offline_result_is_read_apart(
    client: TestClient, db_url: str, pool: CountingPool
) -> None:
    _, agent, collection = _studio(client, db_url)
    body = {"idempotency_key": "offline-0001", "collection_guid": collection, "result": LARGE}
    answer = client.post(f"{AGENT_API}/results", json=body, headers=agent)
    assert answer.status_code == 201, answer.text
    assert pool.calls == 1
    stored = _stored(db_url, answer.json()["result_guid"])
    assert stored.results_json == LARGE and stored.status == "COMPLETED"
    again = client.post(f"{AGENT_API}/results", json=body, headers=agent)
    assert again.status_code == 200 and again.json()["result_guid"] == stored.guid
