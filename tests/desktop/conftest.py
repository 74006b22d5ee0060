"""Fixtures for the agent runtime and its CLI: photos, an offline store, a fake coordinator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from shuttersense.desktop.agent.client import CoordinatorClient
from shuttersense.desktop.agent.credentials import ENV_KEY_STORE
from shuttersense.desktop.agent.offline_store import OfflineStore
from shuttersense.desktop.agent.roots import ENV_ROOTS, AuthorizedRoots
from tests.desktop.fake_coordinator import AGENT_KEY, FakeCoordinator
from tests.helpers.samples import FAMILY

SERVER = "http://coordinator.test"


def write_tree(root: Path, files: dict[str, bytes | int]) -> Path:
    """Write `{relative path: bytes or size}` under `root` and return it."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\0" * content if isinstance(content, int) else content)
    return root


@pytest.fixture(autouse=True)
def _no_agent_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own roots or key-store choice must not leak into these tests."""
    monkeypatch.delenv(ENV_ROOTS, raising=False)
    monkeypatch.delenv(ENV_KEY_STORE, raising=False)


@pytest.fixture
def photo_tree(tmp_path: Path) -> Path:
    """One complete image, one partial, one orphaned sidecar, one invalid name."""
    return write_tree(tmp_path / "photos", FAMILY)


@pytest.fixture
def roots(photo_tree: Path) -> AuthorizedRoots:
    return AuthorizedRoots.load([str(photo_tree)], environ={})


@pytest.fixture
def store(tmp_path: Path) -> Iterator[OfflineStore]:
    opened = OfflineStore(tmp_path / "data" / "agent.db", Fernet.generate_key())
    yield opened
    opened.close()


@pytest.fixture
def fake() -> FakeCoordinator:
    return FakeCoordinator()


@pytest.fixture
def client(fake: FakeCoordinator) -> Iterator[CoordinatorClient]:
    with CoordinatorClient(SERVER, AGENT_KEY, transport=fake.transport) as opened:
        yield opened
