"""The agent's settings file: round trip, private and atomic, corrupt files named."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from shuttersense.desktop.agent.agent_config import (
    AgentConfig,
    Identity,
    load_config,
    save_config,
)
from shuttersense.desktop.agent.errors import AgentError

IDENTITY = Identity(
    server_url="https://ss.example",
    agent_guid="agt_0001",
    team_guid="tea_0001",
    name="studio-mac",
    heartbeat_interval=15,
    poll_interval=20,
)


def test_nothing_saved_yet_is_an_empty_config(tmp_path: Path) -> None:
    assert load_config(tmp_path / "missing") == AgentConfig()


def test_round_trip(tmp_path: Path) -> None:
    config = AgentConfig().with_identity(IDENTITY).with_roots(("/photos", "/mnt/é archive"))
    save_config(tmp_path / "config", config)
    assert load_config(tmp_path / "config") == config
    save_config(tmp_path / "config", config.with_roots(()))
    assert load_config(tmp_path / "config") == AgentConfig(IDENTITY, ())


def test_saved_file_is_private_and_replaced_whole(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    save_config(folder, AgentConfig(roots=("/a",)))
    first = (folder / "config.json").stat().st_ino
    save_config(folder, AgentConfig(roots=("/b",)))
    path = folder / "config.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert path.stat().st_ino != first  # a new file renamed over the old one, not rewritten
    assert sorted(p.name for p in folder.iterdir()) == ["config.json"]
    assert json.loads(path.read_text()) == {"identity": None, "roots": ["/b"]}


@pytest.mark.parametrize("text", ["{not json", "[1, 2]"])
def test_a_corrupt_file_names_itself(tmp_path: Path, text: str) -> None:
    (tmp_path / "config.json").write_text(text)
    with pytest.raises(AgentError, match=r"config\.json") as refused:
        load_config(tmp_path)
    assert str(tmp_path / "config.json") in str(refused.value)


def test_an_identity_with_unknown_fields_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"identity": {"server_url": "x"}}))
    with pytest.raises(AgentError, match="is not an agent config") as refused:
        load_config(tmp_path)
    assert str(tmp_path / "config.json") in str(refused.value)
