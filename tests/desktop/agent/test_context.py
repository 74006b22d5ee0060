"""The agent context: registration required where it must be, one offline-store key kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from shuttersense.desktop.agent.agent_config import AgentConfig, Identity
from shuttersense.desktop.agent.context import AGENT_KEY, AgentContext
from shuttersense.desktop.agent.credentials import ENV_KEY_STORE, FileKeyStore
from shuttersense.desktop.agent.errors import NotRegistered
from shuttersense.desktop.agent.locations import AgentDirs
from shuttersense.desktop.agent.roots import ENV_ROOTS
from tests.desktop.conftest import SERVER
from tests.desktop.fake_coordinator import AGENT_KEY as KEY
from tests.desktop.fake_coordinator import FakeCoordinator

IDENTITY = Identity(SERVER, "agt_0001", "tea_0001", "studio")


@pytest.fixture
def context(tmp_path: Path, fake: FakeCoordinator, monkeypatch: pytest.MonkeyPatch) -> AgentContext:
    monkeypatch.setenv(ENV_KEY_STORE, "file")
    dirs = AgentDirs(tmp_path / "config", tmp_path / "data", tmp_path / "logs")
    return AgentContext(dirs, transport=fake.transport)


def test_without_identity_there_is_no_client(context: AgentContext) -> None:
    with pytest.raises(NotRegistered, match="shuttersense-agent register"):
        context.client()


def test_without_key_there_is_no_client(context: AgentContext) -> None:
    context.save(AgentConfig(IDENTITY))
    with pytest.raises(NotRegistered):
        context.connector()


def test_a_client_speaks_as_this_agent(context: AgentContext, fake: FakeCoordinator) -> None:
    context.save(AgentConfig(IDENTITY))
    context.keys.set(AGENT_KEY, KEY)
    with context.client() as client:
        assert client.pool_status()["status"] == "available"
    assert fake.calls[-1].authorization == f"Bearer {KEY}"


def test_the_offline_store_key_is_made_once_and_kept(
    context: AgentContext, tmp_path: Path, fake: FakeCoordinator
) -> None:
    context.store.add_job_result("complete", "job_1", "tok", "photostats", {})
    context.store.close()
    assert FileKeyStore(tmp_path / "config").get("offline_store_key")
    later = AgentContext(context.dirs, transport=fake.transport)
    try:
        assert [item.claim_token for item in later.store.pending()] == ["tok"]
    finally:
        later.store.close()


def test_roots_merge_config_and_environment(
    context: AgentContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    context.save(AgentConfig(roots=(str(tmp_path / "a"),)))
    monkeypatch.setenv(ENV_ROOTS, str(tmp_path / "b"))
    assert context.roots().all == ((tmp_path / "a").resolve(), (tmp_path / "b").resolve())
