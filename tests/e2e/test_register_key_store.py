"""Registering with an OS keyring that fails, as real processes against a real coordinator."""

from __future__ import annotations

from pathlib import Path

from shuttersense.desktop.agent.credentials import ENV_KEY_STORE, ENV_KEYRING_BACKEND
from tests.helpers.agent_process import AgentHome

from .conftest import Coordinator

REPOSITORY = Path(__file__).resolve().parents[2]


def test_a_failing_keyring_neither_spends_the_token_nor_loses_the_key(
    coordinator: Coordinator, agent_home: AgentHome
) -> None:
    env = agent_home.env
    del env[ENV_KEY_STORE]  # chosen as usual: the keyring the environment names
    env["PYTHONPATH"] = str(REPOSITORY)  # where the test backends are found
    token = coordinator.first_token
    register = ("register", "--server", coordinator.base, "--token", token, "--name", "Mac")

    env[ENV_KEYRING_BACKEND] = "tests.helpers.keyrings.BrokenKeyring"
    refused = agent_home.cli(*register)
    assert refused.returncode == 2, refused.stderr
    assert "registration token is still valid" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert coordinator.api.get("/api/agents").json() == []

    # Takes the probe, refuses the agent key: fails only after the coordinator has answered.
    env[ENV_KEYRING_BACKEND] = "tests.helpers.keyrings.KeyLosingKeyring"
    done = agent_home.cli(*register)  # the same token: it was not spent
    assert done.returncode == 0, done.stderr
    assert "it is kept in the encrypted file instead" in done.stderr
    [agent] = coordinator.api.get("/api/agents").json()
    assert agent["name"] == "Mac"

    kept_in = "the OS keyring failed when the agent registered; encrypted file"
    checked = agent_home.cli("self-test")
    assert "OK    agent key: accepted" in checked.stdout, checked.stdout
    assert f"OK    keyring: fallback: {kept_in}" in checked.stdout
    status = agent_home.cli("status")
    assert status.returncode == 0, status.stderr
    assert f"agent key:    {kept_in}" in status.stdout
    listed = agent_home.cli("collections", "list")
    assert (listed.returncode, listed.stderr) == (0, "")
