"""An agent killed (SIGKILL) in the middle of a job and started again at once: the restarted agent's
first heartbeat hands the job back as a lost attempt, it runs again and is stored once. A real
coordinator on 127.0.0.1 (SQLite and PostgreSQL), real `shuttersense-agent start` processes."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

from shuttersense.coordinator.services.job_lifecycle import LEASE
from tests.helpers.agent_process import AgentHome, wait_for

from .conftest import Coordinator, make_collection, registered

LINKS, HOPS = 3000, 400


def slow_collection(folder: Path, chain: Path, links: int = LINKS) -> Path:
    """A collection that takes long to scan with little to make: one photo, and in `slow/`
    `links` symlinks to it, each resolved through a chain of HOPS links kept in `chain` (outside
    the collection, so the chain itself is not scanned). About 10 ms per link here: far longer
    than it takes to see the job's progress and kill the agent."""
    photo = folder / "AB3D0001.CR3"
    folder.mkdir(parents=True)
    photo.write_bytes(b"raw")
    chain.mkdir()
    for hop in range(HOPS):
        target = chain / f"l{hop + 1:04d}" if hop < HOPS - 1 else photo
        (chain / f"l{hop:04d}").symlink_to(target)
    (folder / "slow").mkdir()
    for number in range(links):
        (folder / "slow" / f"AB3D{number + 2:04d}.CR3").symlink_to(chain / "l0000")
    return folder


def test_an_agent_killed_mid_job_and_restarted_at_once_finishes_the_job_once(
    coordinator: Coordinator, agent_home: AgentHome, tmp_path: Path
) -> None:
    shoot = slow_collection(tmp_path / "photos" / "shoot", tmp_path / "chain")
    registered(agent_home, coordinator, tmp_path / "photos")
    collection = make_collection(agent_home, shoot, "Shoot")
    first = agent_home.start()
    guid = coordinator.run_tool(collection, "photostats")

    def running() -> bool:
        job = coordinator.job(guid)
        assert job["status"] not in ("completed", "failed"), (job, agent_home.log())
        return job["status"] == "running" and bool(job["progress"])

    wait_for(running, 60, "the job's progress")  # its agent reported: it is in the middle
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    killed = coordinator.job(guid)
    assert (killed["status"], killed["attempts"]) == ("running", 1)
    assert coordinator.results_of_job(guid) == []
    shutil.rmtree(shoot / "slow")  # the second run is quick

    agent_home.start()  # at once: no lease has run out
    job = coordinator.wait_job(guid, timeout=LEASE.total_seconds() / 2)
    assert job["status"] == "completed", (job, agent_home.log())
    assert job["attempts"] == 2  # the killed run counts
    [result] = coordinator.results_of_job(guid)
    assert result.status == "COMPLETED" and result.results_json["total_files"] == 1


def test_an_agent_killed_mid_audit_and_restarted_finishes_every_job_of_it_once(
    coordinator: Coordinator, agent_home: AgentHome, tmp_path: Path
) -> None:
    shoot = slow_collection(tmp_path / "photos" / "shoot", tmp_path / "chain")
    registered(agent_home, coordinator, tmp_path / "photos")
    collection = make_collection(agent_home, shoot, "Shoot")
    first = agent_home.start()
    audit, jobs = coordinator.run_audit(collection)  # no pipeline: PhotoStats and Photo Pairing
    assert sorted(jobs) == ["photo_pairing", "photostats"]

    def running() -> bool:
        states = [coordinator.job(guid) for guid in jobs.values()]
        assert not {job["status"] for job in states} & {"completed", "failed"}, agent_home.log()
        return all(job["status"] == "running" and job["progress"] for job in states)

    wait_for(running, 60, "the audit's progress")  # one progress call renews both jobs
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    for guid in jobs.values():
        killed = coordinator.job(guid)
        assert (killed["status"], killed["attempts"]) == ("running", 1)
        assert coordinator.results_of_job(guid) == []
    shutil.rmtree(shoot / "slow")

    agent_home.start()  # its first heartbeat hands the audit's jobs back; it claims them again
    for tool, guid in jobs.items():
        job = coordinator.wait_job(guid, timeout=LEASE.total_seconds() / 2)
        assert (job["status"], job["attempts"]) == ("completed", 2), (job, agent_home.log())
        [result] = coordinator.results_of_job(guid)
        assert result.status == "COMPLETED" and result.tool == tool
    assert agent_home.log().count(f"audit {audit}: one listing of") == 1
