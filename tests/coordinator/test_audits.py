"""Audits on the coordinator (SQLite and PostgreSQL): several tools of a collection queued
together, claimed at once under one claim, delivered in one request; NO_CHANGE per tool; cancel;
the scheduler and run-all queueing audits; `check_sidecars` from the user API to the claim;
agents older than audits still served job by job."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shuttersense.common.results import AnalysisDocument
from shuttersense.coordinator.models import Job, Result
from tests.coordinator.audit_rig import AGENT_API, TOOLS, Studio, analysed_tree, complete
from tests.coordinator.factories import db, signed_in


@pytest.fixture
def studio(client: TestClient, db_url: str) -> Studio:
    return Studio(client, db_url)


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> AnalysisDocument:
    return analysed_tree(tmp_path_factory.mktemp("tree") / "photos")


def test_an_audit_of_three_tools_is_claimed_once_and_completed_in_one_request(
    studio: Studio, db_url: str, analysed: AnalysisDocument
) -> None:
    queued = studio.queue()
    assert queued["audit"].startswith("adt_") and queued["unfinished"] == []
    assert [job["tool"] for job in queued["queued"]] == TOOLS
    assert {job["audit"] for job in queued["queued"]} == {queued["audit"]}

    claim = studio.claim()
    assert claim is not None and claim["audit_guid"] == queued["audit"]
    assert [job["tool"] for job in claim["jobs"]] == TOOLS  # one claim answers all three
    assert claim["collection"]["guid"] == studio.collection
    assert claim["pipeline"]["name"] == "Flow"
    assert studio.claim() is None  # nothing left: no job of the audit is offered again

    answers = studio.deliver(claim, [complete(claim, job, analysed) for job in claim["jobs"]])
    assert [a["status"] for a in answers] == ["completed"] * 3
    with db(db_url) as session:
        stored = session.execute(
            select(Result.tool, Result.status, Job.guid).join(Job, Job.id == Result.job_id)
        ).all()
    assert sorted(stored) == sorted(
        (job["tool"], "COMPLETED", job["job_guid"]) for job in claim["jobs"]
    )  # one result row per tool, each on its own job
    again = studio.deliver(claim, [complete(claim, job, analysed) for job in claim["jobs"]])
    assert [a["result_guid"] for a in again] == [a["result_guid"] for a in answers]
    audit = studio.ok(studio.client.get(f"/api/audits/{queued['audit']}", headers=studio.admin))
    assert audit["status"] == "finished" and {j["status"] for j in audit["jobs"]} == {"completed"}


def test_each_outcome_is_taken_or_refused_on_its_own(
    studio: Studio, analysed: AnalysisDocument
) -> None:
    studio.queue(tools=["photostats", "photo_pairing"])
    claim = studio.claim()
    assert claim is not None
    good, forged = (complete(claim, job, analysed) for job in claim["jobs"])
    forged["signature"] = "0" * 64
    answers = studio.deliver(claim, [good, forged])
    assert answers[0]["status"] == "completed"
    assert (answers[1]["status"], answers[1]["refused_status"]) == ("refused", 403)
    assert studio.job(forged["job_guid"])["status"] == "claimed"  # still to be sent, or fail


def test_no_change_is_per_tool(studio: Studio, analysed: AnalysisDocument) -> None:
    studio.queue()
    first = studio.claim()
    assert first is not None
    done = studio.deliver(first, [complete(first, job, analysed) for job in first["jobs"]])
    studio.queue()
    claim = studio.claim()
    assert claim is not None
    previous = {job["tool"]: job["previous_result"] for job in claim["jobs"]}
    assert [previous[tool]["guid"] for tool in TOOLS] == [a["result_guid"] for a in done]
    stats, pairing, validation = claim["jobs"]
    outcomes = [
        {
            "kind": "no_change",
            "job_guid": job["job_guid"],
            "input_state_hash": job["previous_result"]["input_state_hash"],
            "source_result_guid": job["previous_result"]["guid"],
        }
        for job in (stats, validation)
    ] + [complete(claim, pairing, analysed)]
    answers = {a["job_guid"]: a["status"] for a in studio.deliver(claim, outcomes)}
    assert answers == {
        stats["job_guid"]: "no_change",
        validation["job_guid"]: "no_change",
        pairing["job_guid"]: "completed",
    }


def test_a_queued_tool_keeps_its_job_and_the_audit_holds_the_others(studio: Studio) -> None:
    alone = studio.ok(
        studio.client.post(
            f"/api/collections/{studio.collection}/jobs",
            json={"tool": "photostats"},
            headers=studio.admin,
        ),
        201,
    )
    queued = studio.queue()
    assert [job["guid"] for job in queued["unfinished"]] == [alone["guid"]]
    assert [job["tool"] for job in queued["queued"]] == TOOLS[1:]
    assert studio.queue(status=200)["audit"] is None  # all queued already
    first = studio.claim()
    second = studio.claim()
    assert first is not None and second is not None
    assert [job["tool"] for job in first["jobs"]] == ["photostats"]
    assert [job["tool"] for job in second["jobs"]] == TOOLS[1:]


def test_cancelling_an_audit_cancels_its_queued_jobs_at_once_and_asks_its_agent_to_stop(
    studio: Studio, db_url: str
) -> None:
    first = studio.queue(tools=["photostats"])["audit"]
    cancelled = studio.ok(studio.client.post(f"/api/audits/{first}/cancel", headers=studio.admin))
    assert [job["status"] for job in cancelled["jobs"]] == ["cancelled"]
    assert studio.claim() is None

    audit = studio.queue()["audit"]
    claim = studio.claim()
    assert claim is not None
    studio.ok(studio.client.post(f"/api/audits/{audit}/cancel", headers=studio.admin))
    progress = studio.ok(
        studio.client.post(
            f"{AGENT_API}/audits/{audit}/progress",
            json={"claim_token": claim["claim_token"], "stage": "scanning", "percent": 10},
            headers=studio.agent,
        )
    )
    assert {job["cancel_requested"] for job in progress["jobs"]} == {True}
    fails = [
        {"kind": "fail", "job_guid": j["job_guid"], "error": "the job was cancelled"}
        for j in claim["jobs"]
    ]
    assert {a["status"] for a in studio.deliver(claim, fails)} == {"cancelled"}
    with db(db_url) as session:
        statuses = session.scalars(
            select(Result.status).join(Job, Job.id == Result.job_id).where(Job.audit_guid == audit)
        )
        assert sorted(statuses) == ["CANCELLED"] * 3
    again = studio.client.post(f"/api/audits/{audit}/cancel", headers=studio.admin)
    assert again.status_code == 409


def test_a_heartbeat_naming_the_audit_s_jobs_keeps_them_and_one_naming_none_loses_them(
    studio: Studio,
) -> None:
    studio.queue()
    claim = studio.claim()
    assert claim is not None
    guids = [job["job_guid"] for job in claim["jobs"]]
    beat = {"status": "busy", "current_jobs": guids, "claim_in_flight": False}
    studio.ok(studio.client.post(f"{AGENT_API}/heartbeat", json=beat, headers=studio.agent))
    assert {studio.job(g)["status"] for g in guids} == {"claimed"}
    idle = {"status": "idle", "claim_in_flight": False}
    studio.ok(studio.client.post(f"{AGENT_API}/heartbeat", json=idle, headers=studio.agent))
    assert {studio.job(g)["status"] for g in guids} == {"queued"}  # lost, to be run again


def test_an_agent_older_than_audits_is_served_job_by_job(
    studio: Studio, analysed: AnalysisDocument
) -> None:
    audit = studio.queue()["audit"]
    for tool in TOOLS:
        answer = studio.client.post(
            f"{AGENT_API}/jobs/claim", params={"wait": 0}, headers=studio.agent
        )
        claim = studio.ok(answer)
        assert claim["tool"] == tool
        assert studio.job(claim["job_guid"])["audit"] == audit
        body = complete(
            claim | {"jobs": []}, {"job_guid": claim["job_guid"], "tool": tool}, analysed
        )
        body = {k: v for k, v in body.items() if k not in ("kind", "job_guid")}
        url = f"{AGENT_API}/jobs/{claim['job_guid']}/complete"
        studio.ok(
            studio.client.post(
                url, json={**body, "claim_token": claim["claim_token"]}, headers=studio.agent
            )
        )
    assert studio.claim() is None


def test_check_sidecars_from_the_user_api_reaches_the_claim(studio: Studio) -> None:
    queued = studio.queue(tools=["photostats", "photo_pairing"], check_sidecars=True)
    assert [job["parameters"] for job in queued["queued"]] == [{"check_sidecars": True}] * 2
    claim = studio.claim()
    assert claim is not None
    assert claim["jobs"][0]["parameters"] == {"check_sidecars": True}


def test_the_collection_setting_decides_check_sidecars_unless_the_call_says(studio: Studio) -> None:
    url = f"/api/collections/{studio.collection}"
    changed = studio.ok(
        studio.client.patch(url, json={"check_sidecars": True}, headers=studio.admin)
    )
    assert changed["check_sidecars"] is True
    assert studio.queue(tools=["photostats"])["queued"][0]["parameters"] == {"check_sidecars": True}
    studio.claim()
    plain = studio.queue(tools=["photo_pairing"], check_sidecars=False)
    assert plain["queued"][0]["parameters"] == {}


def test_run_all_queues_one_audit_per_collection_reading_the_sidecars_when_set(
    studio: Studio,
) -> None:
    url = f"/api/collections/{studio.collection}"
    studio.ok(studio.client.patch(url, json={"check_sidecars": True}, headers=studio.admin))
    studio.ok(studio.client.post("/api/collections/run-all", headers=studio.admin))
    claim = studio.claim()
    assert claim is not None
    assert [job["tool"] for job in claim["jobs"]] == TOOLS
    assert claim["jobs"][0]["parameters"] == {"check_sidecars": True}
    assert studio.claim() is None


def test_another_team_s_audit_is_404(studio: Studio, client: TestClient, db_url: str) -> None:
    audit = studio.queue()["audit"]
    other = signed_in(client, db_url, "admin@other.example", "Other")
    assert client.get(f"/api/audits/{audit}", headers=other).status_code == 404
    assert client.post(f"/api/audits/{audit}/cancel", headers=other).status_code == 404
    assert studio.job(studio.queue(status=200)["unfinished"][0]["guid"])["status"] == "queued"
