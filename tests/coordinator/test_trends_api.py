"""The trends API, `/api/trends/{tool}` and its summary, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from shuttersense.common.results import FilesByFolder, PhotoStatsResult, PipelineValidationResult
from shuttersense.coordinator.ids import new_guid
from shuttersense.coordinator.models import Result
from shuttersense.coordinator.models.base import utcnow
from shuttersense.coordinator.services import got_worse
from shuttersense.coordinator.services.accounts import find_team
from shuttersense.coordinator.services.registration import create_registration_token
from tests.coordinator.factories import db, signed_completion, signed_in
from tests.coordinator.test_jobs_api import AGENT_API, add_collection, run
from tests.coordinator.test_results_api import pairing, photostats, store, validation

API = "/api/trends"
EMAIL = "member@studio.example"
HASH = "c" * 64


def noon(day: int) -> datetime:
    return datetime(2026, 3, day, 12, tzinfo=UTC)


def orphans(count: int) -> PhotoStatsResult:
    found = FilesByFolder(count=count, by_folder={"a": [f"x{n}.cr3" for n in range(count)]})
    return photostats().model_copy(update={"orphaned_images": found})


def checked(consistent: int, partial: int) -> PipelineValidationResult:
    counts = {"CONSISTENT": consistent, "PARTIAL": partial, "INCONSISTENT": 0}
    return validation().model_copy(update={"overall_status": counts})


@pytest.fixture
def studio(client: TestClient, db_url: str) -> tuple[dict[str, str], str, str]:
    headers = signed_in(client, db_url, EMAIL, "Studio")
    first = add_collection(db_url, EMAIL, name="Weddings", root="/w")
    second = add_collection(db_url, EMAIL, name="Portraits", root="/p")
    return headers, first, second


def trend(client: TestClient, headers: dict[str, str], tool: str, **params: object) -> dict:
    answer = client.get(f"{API}/{tool}", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_aggregated_days_fill_forward_from_a_seed(
    client: TestClient, db_url: str, studio: tuple
) -> None:
    headers, weddings, portraits = studio
    store(db_url, weddings, orphans(9), created_at=noon(1))  # the seed, before the window
    store(db_url, weddings, orphans(5), created_at=noon(3))
    store(db_url, portraits, orphans(2), created_at=noon(4) - timedelta(hours=3))
    store(db_url, portraits, orphans(1), created_at=noon(4))  # the day's last one counts
    store(db_url, weddings, orphans(5), created_at=noon(6), status="NO_CHANGE")
    store(db_url, weddings, orphans(3), created_at=noon(8))
    store(db_url, portraits, orphans(0), created_at=noon(8), status="FAILED", results_json={})
    body = trend(client, headers, "photostats", **{"from": "2026-03-02", "to": "2026-03-08"})
    assert body["mode"] == "aggregated" and body["series"] == []
    assert body["window"] == {"start": "2026-03-02", "end": "2026-03-08"}
    points = body["points"]
    assert [p["date"][-2:] for p in points] == ["02", "03", "04", "05", "06", "07", "08"]
    assert [p["metrics"]["orphaned_images"] for p in points] == [9, 5, 6, 6, 6, 6, 4]
    assert [p["calculated_count"] for p in points] == [1, 0, 1, 2, 1, 2, 1]
    assert [p["no_change_count"] for p in points] == [0, 0, 0, 0, 1, 0, 0]
    assert [p["has_transition"] for p in points] == [False] * 6 + [True]
    assert points[0]["metrics"]["orphaned_files"] == 10  # 9 images + 1 sidecar


def test_days_before_any_result_are_null(client: TestClient, db_url: str, studio: tuple) -> None:
    headers, weddings, _ = studio
    store(db_url, weddings, pairing(), created_at=noon(3))
    points = trend(client, headers, "photo_pairing", **{"from": "2026-03-01", "to": "2026-03-03"})[
        "points"
    ]
    assert [p["metrics"] for p in points[:2]] == [None, None]
    assert points[2]["metrics"]["camera_usage"] == {"AB3D": 1}
    assert points[2]["metrics"]["invalid_file_count"] == 1


def test_without_a_range_the_last_limit_days(
    client: TestClient, db_url: str, studio: tuple
) -> None:
    headers, weddings, _ = studio
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    for back in (9, 4, 1):
        store(db_url, weddings, orphans(back), created_at=today - timedelta(days=back))
    points = trend(client, headers, "photostats", limit=3)["points"]
    assert [p["date"] for p in points] == [
        (today - timedelta(days=n)).date().isoformat() for n in (2, 1, 0)
    ]
    assert [p["metrics"]["orphaned_images"] for p in points] == [4, 1, 1]  # 4 is the seed
    assert len(trend(client, headers, "photostats")["points"]) == 10  # from the first result


def test_comparison_mode_gives_each_collection_its_own_points(
    client: TestClient, db_url: str, studio: tuple
) -> None:
    headers, weddings, portraits = studio
    store(db_url, weddings, checked(3, 1), created_at=noon(1))
    store(db_url, weddings, checked(4, 0), created_at=noon(3))
    store(db_url, portraits, checked(1, 1), created_at=noon(2))
    window = {"from": "2026-03-01", "to": "2026-03-05"}
    repeated = client.get(
        f"{API}/pipeline_validation",
        params=[("collection_guids", portraits), ("collection_guids", weddings), *window.items()],
        headers=headers,
    ).json()
    comma = trend(
        client, headers, "pipeline_validation", collection_guids=f"{portraits},{weddings}", **window
    )
    assert repeated == comma
    assert comma["mode"] == "comparison" and comma["points"] == []
    assert [s["collection"] for s in comma["series"]] == [portraits, weddings]
    mine = comma["series"][1]["points"]
    assert [(p["date"], p["metrics"]["consistent_ratio"]) for p in mine] == [
        ("2026-03-01", 75.0),
        ("2026-03-03", 100.0),
    ]
    assert mine[0]["no_change"] is False and mine[0]["metrics"]["partial"] == 1


def test_six_collections_are_aggregated(client: TestClient, db_url: str, studio: tuple) -> None:
    headers, weddings, portraits = studio
    more = [add_collection(db_url, EMAIL, name=f"c{n}", root=f"/c{n}") for n in range(4)]
    for guid in (weddings, portraits, *more):
        store(db_url, guid, checked(1, 1), created_at=noon(1))
    body = trend(
        client,
        headers,
        "pipeline_validation",
        collection_guids=",".join([weddings, portraits, *more]),
        **{"from": "2026-03-01", "to": "2026-03-01"},
    )
    assert body["mode"] == "aggregated"
    [point] = body["points"]
    assert (point["collections"], point["metrics"]["consistent"]) == (6, 6)
    assert point["metrics"]["consistent_ratio"] == 50.0


def test_summary_direction_per_tool(client: TestClient, db_url: str, studio: tuple) -> None:
    headers, weddings, _ = studio
    for day, count in ((1, 9), (2, 6), (3, 2)):
        store(db_url, weddings, orphans(count), created_at=noon(day))
        store(db_url, weddings, checked(10 - count, count), created_at=noon(day))
        store(db_url, weddings, pairing(), created_at=noon(day))
    window = {"from": "2026-03-01", "to": "2026-03-05"}
    stats = client.get(f"{API}/photostats/summary", params=window, headers=headers).json()
    assert (stats["metric"], stats["direction"], stats["data_points"]) == (
        "orphaned_files",
        "improving",
        3,
    )
    assert stats["stable"] == {"stable": False, "days": None}
    assert stats["last_result_at"].startswith("2026-03-03T12:00:00")
    valid = client.get(f"{API}/pipeline_validation/summary", params=window, headers=headers)
    assert valid.json()["direction"] == "improving"  # consistency % goes up
    pairs = client.get(f"{API}/photo_pairing/summary", params=window, headers=headers).json()
    assert (pairs["metric"], pairs["direction"]) == (None, None)
    short = client.get(
        f"{API}/photostats/summary",
        params={"from": "2026-03-02", "to": "2026-03-03"},
        headers=headers,
    )
    assert short.json()["direction"] == "insufficient_data"


def _agent(client: TestClient, db_url: str) -> dict[str, str]:
    with db(db_url) as session:
        token = create_registration_token(session, find_team(session, "Studio")).token
    enrolled = client.post(f"{AGENT_API}/register", json={"registration_token": token, "name": "a"})
    return {"Authorization": f"Bearer {enrolled.json()['agent_key']}"}


def _claim(client: TestClient, agent: dict[str, str]) -> dict:
    claimed = client.post(f"{AGENT_API}/jobs/claim", params={"wait": 0}, headers=agent)
    assert claimed.status_code == 200, claimed.text
    return claimed.json()


def test_results_from_the_agent_protocol(client: TestClient, db_url: str, studio: tuple) -> None:
    headers, weddings, _ = studio
    agent = _agent(client, db_url)
    run(client, headers, weddings, "photostats")
    claimed = _claim(client, agent)
    result = orphans(2).model_dump(mode="json")
    done = client.post(
        f"{AGENT_API}/jobs/{claimed['job_guid']}/complete",
        json=signed_completion(claimed, result, HASH),
        headers=agent,
    ).json()
    with db(db_url) as session:  # the analysis ran a day and a half ago
        session.execute(
            update(Result)
            .where(Result.guid == done["result_guid"])
            .values(created_at=utcnow() - timedelta(hours=36))
        )
        session.commit()
    run(client, headers, weddings, "photostats")
    again = _claim(client, agent)
    copy = client.post(
        f"{AGENT_API}/jobs/{again['job_guid']}/no-change",
        json={
            "claim_token": again["claim_token"],
            "input_state_hash": HASH,
            "source_result_guid": done["result_guid"],
        },
        headers=agent,
    )
    assert copy.status_code == 200, copy.text
    run(client, headers, weddings, "photostats")
    failing = _claim(client, agent)
    client.post(
        f"{AGENT_API}/jobs/{failing['job_guid']}/fail",
        json={"claim_token": failing["claim_token"], "error": "disk gone"},
        headers=agent,
    )
    statuses = [r["status"] for r in client.get("/api/results", headers=headers).json()]
    assert statuses == ["FAILED", "NO_CHANGE", "COMPLETED"]

    today = trend(client, headers, "photostats", limit=1)["points"]
    assert len(today) == 1 and today[0]["no_change_count"] == 1  # not the FAILED one
    assert today[0]["metrics"]["orphaned_images"] == 2
    summary = client.get(f"{API}/photostats/summary", headers=headers).json()
    assert summary["stable"] == {"stable": True, "days": 2}  # 1.5 days, rounded up
    collection = client.get(f"/api/collections/{weddings}", headers=headers).json()
    assert (collection["file_count"], collection["storage_bytes"]) == (4, 400)


def _complete(client: TestClient, agent: dict[str, str], result: PhotoStatsResult) -> str:
    claimed = _claim(client, agent)
    done = client.post(
        f"{AGENT_API}/jobs/{claimed['job_guid']}/complete",
        json=signed_completion(claimed, result.model_dump(mode="json"), HASH),
        headers=agent,
    )
    assert done.status_code == 200, done.text
    return str(done.json()["result_guid"])


def test_trends_and_got_worse_read_the_counts_a_result_keeps_not_its_json(
    client: TestClient, db_url: str, studio: tuple
) -> None:
    headers, weddings, _ = studio
    agent = _agent(client, db_url)
    run(client, headers, weddings, "photostats")
    first = _complete(client, agent, orphans(2))
    run(client, headers, weddings, "photostats")
    again = _claim(client, agent)
    body = {"claim_token": again["claim_token"], "input_state_hash": HASH}
    copied = client.post(
        f"{AGENT_API}/jobs/{again['job_guid']}/no-change",
        json={**body, "source_result_guid": first},
        headers=agent,
    )
    assert copied.status_code == 200, copied.text
    run(client, headers, weddings, "photostats")
    worse = _complete(client, agent, orphans(5))
    with db(db_url) as session:
        kept = session.execute(select(Result.status, Result.trend_counts)).all()
        assert sorted((status, counts["orphaned_images"]) for status, counts in kept) == [
            ("COMPLETED", 2),
            ("COMPLETED", 5),
            ("NO_CHANGE", 2),
        ]
        # What reading the counts must not need: the results themselves, maybe megabytes.
        session.execute(update(Result).values(results_json={}))
        session.commit()
        team = find_team(session, "Studio").id
        [told] = got_worse.worse_collections(session, team)
    assert (told.result_guid, told.before, told.after) == (worse, 3.0, 6.0)  # orphaned files
    [today] = trend(client, headers, "photostats", limit=1)["points"]
    assert today["metrics"]["orphaned_images"] == 5


def test_another_teams_collections_are_not_found(
    client: TestClient, db_url: str, studio: tuple
) -> None:
    _, weddings, _ = studio
    store(db_url, weddings, orphans(1), created_at=noon(1))
    rival = signed_in(client, db_url, "boss@rival.example", "Rival")
    for path in [f"{API}/photostats", f"{API}/photostats/summary"]:
        answer = client.get(path, params={"collection_guids": weddings}, headers=rival)
        assert answer.status_code == 404, path
    mine = signed_in(client, db_url, "other@studio.example", "Studio")
    missing = client.get(
        f"{API}/photostats", params={"collection_guids": new_guid("col")}, headers=mine
    )
    assert missing.status_code == 404
    nothing = trend(client, rival, "photostats")
    assert (nothing["window"], nothing["points"]) == (None, [])


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 501},
        {"from": "2026-03-05", "to": "2026-03-01"},
        {"from": "1999-01-01", "to": "2026-01-01"},
        {"to": "0001-01-01"},
        {"from": "not a date"},
    ],
)
def test_bad_queries_are_422(
    client: TestClient, db_url: str, studio: tuple, params: dict[str, object]
) -> None:
    headers, _, _ = studio
    assert client.get(f"{API}/photostats", params=params, headers=headers).status_code == 422


def test_unknown_tool_and_signed_out(client: TestClient, db_url: str, studio: tuple) -> None:
    headers, _, _ = studio
    assert client.get(f"{API}/display_graph", headers=headers).status_code == 422
    client.cookies.clear()
    assert client.get(f"{API}/photostats").status_code == 401
    assert client.get(f"{API}/photostats/summary").status_code == 401
