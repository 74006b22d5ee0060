"""The agent and the coordinator together: a real coordinator on 127.0.0.1 (SQLite and
PostgreSQL), a real `shuttersense-agent` process, real folders on disk."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest

from shuttersense.common.analysis import run_analysis
from shuttersense.common.analysis_request import AnalysisRequest
from shuttersense.common.demo import build_demo
from shuttersense.common.pipeline import load_pipeline
from tests.coordinator.factories import invalid
from tests.helpers.agent_process import AgentHome, wait_for

from .conftest import Coordinator, make_collection, polling, registered

TOOLS = ("photostats", "photo_pairing", "pipeline_validation")


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    root = tmp_path / "photos"
    root.mkdir()
    build_demo(root / "demo")
    return root


def test_jobs_from_the_user_api_run_on_the_agent_and_their_reports_render(
    coordinator: Coordinator, agent_home: AgentHome, photos: Path
) -> None:
    registered(agent_home, coordinator, photos)
    collection = make_collection(agent_home, photos / "demo" / "collection", "Demo")
    pipeline_text = (photos / "demo" / "pipeline.yaml").read_text(encoding="utf-8")
    imported = coordinator.api.post("/api/pipelines/import", json={"text": pipeline_text})
    assert imported.status_code == 201, imported.text
    pipeline = imported.json()["guid"]
    assert coordinator.api.post(f"/api/pipelines/{pipeline}/default").status_code == 200
    agent = agent_home.start()

    jobs = {tool: coordinator.run_tool(collection, tool) for tool in TOOLS}
    for tool, guid in jobs.items():
        job = coordinator.wait_job(guid)
        assert job["status"] == "completed", (tool, job, agent_home.log())
        [result] = coordinator.results_of_job(guid)
        assert result.status == "COMPLETED" and result.tool == tool
        detail = coordinator.api.get(f"/api/results/{result.guid}")
        assert detail.status_code == 200
        report = coordinator.api.get(f"/api/results/{result.guid}/report")
        assert report.status_code == 200 and report.text.lstrip().startswith("<!DOCTYPE html")
    local = run_analysis(
        AnalysisRequest(
            root=photos / "demo" / "collection",
            pipeline=load_pipeline(photos / "demo" / "pipeline.yaml"),
        )
    )
    for tool, guid in jobs.items():  # the same answer as analysing here, without a server
        [result] = coordinator.results_of_job(guid)
        server_side = {"scan_time", "pipeline_guid"}  # timing, and the coordinator's own GUID
        expected = local.results[tool].model_dump(mode="json", exclude=server_side)
        assert {k: v for k, v in result.results_json.items() if k not in server_side} == expected
    [validation] = coordinator.results_of_job(jobs["pipeline_validation"])
    assert validation.results_json["pipeline_guid"] == pipeline

    again = coordinator.wait_job(coordinator.run_tool(collection, "photostats"))
    assert again["status"] == "no_change"  # same files, same config: no second analysis

    agent.send_signal(signal.SIGTERM)
    assert agent.wait(timeout=15) == 0
    assert "agent stopped" in agent_home.log()


def claimed_by_a_frozen_agent(
    home: AgentHome, coordinator: Coordinator, photos: Path, tool: str
) -> tuple[subprocess.Popen[bytes], str]:
    """A running agent frozen (SIGSTOP) in its long-poll, and a job it claimed: the claim
    lands, nothing runs until the test says so."""
    registered(home, coordinator, photos)
    collection = make_collection(home, photos / "demo" / "collection", "Demo")
    agent = home.start()
    polling(home)
    agent.send_signal(signal.SIGSTOP)
    guid = coordinator.run_tool(collection, tool)
    coordinator.wait_job(guid, ("claimed",))
    return agent, guid


def test_a_killed_agent_s_job_runs_again_and_is_stored_once(
    coordinator: Coordinator, agent_home: AgentHome, photos: Path
) -> None:
    first, guid = claimed_by_a_frozen_agent(agent_home, coordinator, photos, "photo_pairing")
    first.kill()
    first.wait(timeout=10)
    coordinator.expire_lease(guid)  # as if 90 s went by
    assert coordinator.wait_job(guid, ("queued",))["attempts"] == 1

    agent_home.start()
    job = coordinator.wait_job(guid)
    assert job["status"] == "completed" and job["attempts"] == 2, agent_home.log()
    assert len(coordinator.results_of_job(guid)) == 1


def test_a_result_made_while_the_coordinator_is_down_is_uploaded_when_it_is_back(
    coordinator: Coordinator, agent_home: AgentHome, photos: Path
) -> None:
    agent, guid = claimed_by_a_frozen_agent(agent_home, coordinator, photos, "photostats")
    coordinator.stop()
    agent.send_signal(signal.SIGCONT)  # it runs the job with nobody to report to
    wait_for(
        lambda: "1 waiting for upload" in agent_home.cli("status").stdout,
        60,
        "the agent to keep its result",
    )
    coordinator.start()
    job = coordinator.wait_job(guid, timeout=90)
    assert job["status"] == "completed", agent_home.log()
    assert len(coordinator.results_of_job(guid)) == 1
    wait_for(lambda: "0 waiting for upload" in agent_home.cli("status").stdout, 30, "sync")


def test_job_paths_that_escape_the_roots_are_refused(
    coordinator: Coordinator, agent_home: AgentHome, tmp_path: Path, photos: Path
) -> None:
    allowed = photos / "demo" / "collection"
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "AB3D0001.CR3").write_bytes(b"raw")
    (allowed / "escape").symlink_to(outside)
    agent = registered(agent_home, coordinator, allowed)
    agent_home.start()
    polling(agent_home)  # its heartbeat has reported its roots
    refused_at_creation = {
        "dotdot": (f"{allowed}/../../../private", "goes up with '..'"),
        "elsewhere": (str(outside), f"is not inside the authorized roots of agent 'Mac' ({agent})"),
    }
    for name, (root_path, reason) in refused_at_creation.items():
        made = coordinator.api.post(
            "/api/collections", json={"name": name, "root_path": root_path, "agent": agent}
        )
        assert reason in invalid(made)
    assert coordinator.api.get("/api/collections").json() == []
    # Inside the root as far as the coordinator can tell; the agent resolves the symlink.
    made = coordinator.api.post(
        "/api/collections",
        json={"name": "symlink", "root_path": str(allowed / "escape"), "agent": agent},
    )
    assert made.status_code == 201, made.text
    job = coordinator.wait_job(coordinator.run_tool(made.json()["guid"], "photostats"))
    assert job["status"] == "failed" and job["attempts"] == 1, job
    assert "outside the authorized roots" in job["error"], job["error"]
    [failure] = coordinator.results_of_job(job["guid"])
    assert failure.status == "FAILED" and failure.results_json["error"] == job["error"]


def test_registration_token_errors_are_clear(
    coordinator: Coordinator, agent_home: AgentHome, tmp_path: Path
) -> None:
    bogus = agent_home.cli(
        "register", "--server", coordinator.base, "--token", "art_nonsense", "--name", "x"
    )
    assert bogus.returncode == 2 and "401" in bogus.stderr
    token = coordinator.registration_token()
    first = agent_home.cli(
        "register", "--server", coordinator.base, "--token", token, "--name", "a"
    )
    assert first.returncode == 0, first.stderr
    other = AgentHome(tmp_path / "second-machine")
    reused = other.cli("register", "--server", coordinator.base, "--token", token, "--name", "b")
    assert reused.returncode == 2 and "used" in reused.stderr, reused.stderr
    stale = coordinator.registration_token()
    coordinator.expire_registration_tokens()
    expired = other.cli("register", "--server", coordinator.base, "--token", stale, "--name", "c")
    assert expired.returncode == 2 and "expired" in expired.stderr, expired.stderr
    down = other.cli("register", "--server", "http://127.0.0.1:9", "--token", token, "--name", "d")
    assert down.returncode == 2 and "cannot reach the coordinator" in down.stderr


def test_a_revoked_agent_is_told_to_register_again(
    coordinator: Coordinator, agent_home: AgentHome, photos: Path
) -> None:
    agent = registered(agent_home, coordinator, photos)
    assert agent_home.cli("self-test").returncode == 0
    assert coordinator.api.post(f"/api/agents/{agent}/revoke").status_code == 200
    checked = agent_home.cli("self-test")
    assert checked.returncode == 1
    assert "FAIL  agent key" in checked.stdout and "register again" in checked.stdout
    started = agent_home.start()
    assert started.wait(timeout=30) == 4  # refused key: register again (docs/agent.md)
    assert "register again" in agent_home.log()


def test_an_offline_run_of_a_new_folder_is_synced_once(
    coordinator: Coordinator, agent_home: AgentHome, photos: Path
) -> None:
    registered(agent_home, coordinator, photos)
    folder = photos / "demo" / "collection"
    ran = agent_home.cli("run", str(folder), "--offline", "--tools", "photostats,photo_pairing")
    assert ran.returncode == 0, ran.stderr
    assert "kept offline" in ran.stdout
    assert "2 waiting for upload" in agent_home.cli("status").stdout
    assert coordinator.api.get("/api/collections").json() == []  # nothing sent yet
    first = agent_home.cli("sync")
    assert first.returncode == 0 and "uploaded 2 result(s)" in first.stdout, first.stderr
    second = agent_home.cli("sync")
    assert second.returncode == 0 and "uploaded 0 result(s)" in second.stdout
    [collection] = coordinator.api.get("/api/collections").json()
    assert collection["root_path"] == str(folder.resolve())  # the folder became a collection
    results = coordinator.api.get("/api/results", params={"collection": collection["guid"]})
    assert sorted(r["tool"] for r in results.json()) == ["photo_pairing", "photostats"]


def test_an_audit_runs_on_one_listing_and_its_results_equal_a_local_analyze(
    coordinator: Coordinator, agent_home: AgentHome, photos: Path
) -> None:
    """Three tools queued as one audit: one claim, one listing, three results equal to
    `shuttersense analyze` of the same tree (sidecars read: the malformed XMP is reported);
    queued again on the unchanged tree, one listing and three NO_CHANGE results."""
    registered(agent_home, coordinator, photos)
    tree = photos / "demo" / "collection"
    broken = next(tree.rglob("*.xmp"))
    broken.write_text("<x:xmpmeta><rdf:RDF>", encoding="utf-8")  # malformed
    collection = make_collection(agent_home, tree, "Demo")
    pipeline_text = (photos / "demo" / "pipeline.yaml").read_text(encoding="utf-8")
    imported = coordinator.api.post("/api/pipelines/import", json={"text": pipeline_text})
    assert imported.status_code == 201, imported.text
    assert coordinator.api.post(f"/api/pipelines/{imported.json()['guid']}/default").is_success
    agent_home.start()

    audit, jobs = coordinator.run_audit(collection, check_sidecars=True)
    assert sorted(jobs) == sorted(TOOLS)
    for guid in jobs.values():
        assert coordinator.wait_job(guid)["status"] == "completed", agent_home.log()
    local = run_analysis(
        AnalysisRequest(
            root=tree,
            pipeline=load_pipeline(photos / "demo" / "pipeline.yaml"),
            check_sidecars=True,
        )
    )
    server_side = {"scan_time", "pipeline_guid"}
    for tool, guid in jobs.items():
        [result] = coordinator.results_of_job(guid)
        expected = local.results[tool].model_dump(mode="json", exclude=server_side)
        assert {k: v for k, v in result.results_json.items() if k not in server_side} == expected
    [stats] = coordinator.results_of_job(jobs["photostats"])
    assert broken.name in str(stats.results_json["invalid_xmp"])
    assert agent_home.log().count(f"audit {audit}: one listing of") == 1

    report = coordinator.api.get(f"/api/collections/{collection}/report")
    assert report.status_code == 200
    assert "Pipeline Validation" in report.text and broken.name in report.text

    again, rerun = coordinator.run_audit(collection, check_sidecars=True)
    for guid in rerun.values():
        assert coordinator.wait_job(guid)["status"] == "no_change", agent_home.log()
    assert agent_home.log().count(f"audit {again}: one listing of") == 1
