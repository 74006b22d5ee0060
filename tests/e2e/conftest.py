"""A real coordinator on 127.0.0.1 (SQLite and PostgreSQL), its admin, and a real agent."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.models import Job, RegistrationToken, Result, Team
from shuttersense.coordinator.models.base import utcnow
from shuttersense.coordinator.services.registration import create_registration_token
from shuttersense.coordinator.settings import Settings
from tests.coordinator.factories import db, team_with_token
from tests.helpers.agent_process import AgentHome, wait_for
from tests.helpers.live_server import free_port, live_server

ADMIN_PASSWORD = "s3cret-pass"  # what team_with_token gives the team's admin
FINAL = ("completed", "no_change", "failed", "cancelled")


class Coordinator:
    """A live coordinator that can be stopped and started again on the same port and database,
    and its team's admin speaking the user API."""

    def __init__(self, settings: Settings, db_url: str) -> None:
        self.settings = settings
        self.db_url = db_url
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._running: contextlib.ExitStack | None = None
        _team, self.first_token = team_with_token(db_url, "Studio")
        self.start()
        # The server closes a connection idle for 5 s, httpx reuses one idle up to 5 s: a request
        # sent at that instant meets a reset (seen in CI). Let idle connections go sooner.
        self.api = httpx.Client(
            base_url=self.base, timeout=30, limits=httpx.Limits(keepalive_expiry=1.0)
        )
        login = self.api.post(
            "/api/auth/login", json={"email": "admin@studio.example", "password": ADMIN_PASSWORD}
        )
        assert login.status_code == 200, login.text

    def start(self) -> None:
        stack = contextlib.ExitStack()
        stack.enter_context(live_server(create_app(self.settings, sweep_interval=0.3), self.port))
        self._running = stack

    def stop(self) -> None:
        if self._running is not None:
            self._running.close()
            self._running = None

    def close(self) -> None:
        self.api.close()
        self.stop()

    def registration_token(self) -> str:
        with db(self.db_url) as session:
            team = session.scalar(select(Team).where(Team.name == "Studio"))
            return create_registration_token(session, team).token

    def expire_registration_tokens(self) -> None:
        with db(self.db_url) as session:
            session.execute(
                update(RegistrationToken).values(expires_at=utcnow() - timedelta(minutes=1))
            )
            session.commit()

    def run_tool(self, collection: str, tool: str) -> str:
        made = self.api.post(f"/api/collections/{collection}/jobs", json={"tool": tool})
        assert made.status_code == 201, made.text
        return made.json()["guid"]

    def run_audit(self, collection: str, **body: Any) -> tuple[str, dict[str, str]]:
        """Queue an audit (by default of every tool that applies): its GUID, and its jobs'
        GUIDs by tool."""
        made = self.api.post(f"/api/collections/{collection}/audits", json=body)
        assert made.status_code == 201, made.text
        audit = made.json()
        return audit["audit"], {job["tool"]: job["guid"] for job in audit["queued"]}

    def job(self, guid: str) -> dict[str, Any]:
        answer = self.api.get(f"/api/jobs/{guid}")
        assert answer.status_code == 200, answer.text
        return answer.json()

    def wait_job(self, guid: str, states: tuple[str, ...] = FINAL, timeout: float = 60) -> dict:
        wait_for(lambda: self.job(guid)["status"] in states, timeout, f"job {guid} in {states}")
        return self.job(guid)

    def expire_lease(self, guid: str) -> None:
        with db(self.db_url) as session:
            session.execute(
                update(Job)
                .where(Job.guid == guid)
                .values(lease_expires_at=utcnow() - timedelta(seconds=1))
            )
            session.commit()

    def results_of_job(self, guid: str) -> list[Result]:
        with db(self.db_url) as session:
            job_id = session.scalar(select(Job.id).where(Job.guid == guid))
            return list(session.scalars(select(Result).where(Result.job_id == job_id)))


@pytest.fixture
def coordinator(settings: Settings, db_url: str) -> Iterator[Coordinator]:
    server = Coordinator(settings, db_url)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def agent_home(tmp_path: Path) -> Iterator[AgentHome]:
    home = AgentHome(tmp_path / "agent-home")
    try:
        yield home
    finally:
        home.stop_all()


def registered(home: AgentHome, coordinator: Coordinator, root: Path, name: str = "Mac") -> str:
    """Register the agent and authorize `root`; returns the agent GUID."""
    done = home.cli(
        "register", "--server", coordinator.base, "--token", coordinator.first_token, "--name", name
    )
    assert done.returncode == 0, done.stderr
    added = home.cli("roots", "add", str(root))
    assert added.returncode == 0, added.stderr
    return done.stdout.split(" as ")[1].split()[0]


def make_collection(home: AgentHome, folder: Path, name: str) -> str:
    made = home.cli("collections", "create", str(folder), "--name", name)
    assert made.returncode == 0, made.stderr
    return made.stdout.split()[0]


def polling(home: AgentHome) -> None:
    """Wait until the running agent has reached the coordinator and sits in its long-poll."""
    try:
        wait_for(lambda: "online" in home.cli("status").stdout.split("state:")[1], 30, "online")
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nagent log:\n{home.log()[-3000:]}") from None
    time.sleep(1.0)  # from its first answer to its claim request takes milliseconds
