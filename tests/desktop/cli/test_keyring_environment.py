"""PYTHON_KEYRING_BACKEND as a real `shuttersense-agent` process meets it: never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from shuttersense.desktop.agent.credentials import ENV_KEY_STORE, ENV_KEYRING_BACKEND
from tests.helpers.agent_process import AgentHome


@pytest.fixture
def home(tmp_path: Path) -> AgentHome:
    """An agent home whose key store is chosen as usual (not forced to the file)."""
    made = AgentHome(tmp_path / "home")
    del made.env[ENV_KEY_STORE]
    return made


def test_an_empty_backend_variable_is_treated_as_unset(home: AgentHome) -> None:
    unset = home.cli("self-test")
    home.env[ENV_KEYRING_BACKEND] = ""
    empty = home.cli("self-test")
    assert "Traceback" not in empty.stderr, empty.stderr
    assert (empty.returncode, empty.stdout, empty.stderr) == (
        unset.returncode,
        unset.stdout,
        unset.stderr,
    )
    assert "OK    keyring:" in empty.stdout
    status = home.cli("status")
    assert status.returncode == 0, status.stderr


def test_a_backend_that_cannot_be_loaded_is_reported_not_raised(home: AgentHome) -> None:
    home.env[ENV_KEYRING_BACKEND] = "no_such_module.Keyring"
    checked = home.cli("self-test")
    assert checked.returncode == 1
    assert "Traceback" not in checked.stderr, checked.stderr
    assert (
        "FAIL  keyring: the OS keyring cannot be opened "
        f"({ENV_KEYRING_BACKEND}='no_such_module.Keyring' cannot be loaded: "
        "ModuleNotFoundError: No module named 'no_such_module')"
    ) in checked.stdout
    status = home.cli("status")
    assert status.returncode == 2
    assert status.stderr.startswith("shuttersense-agent: error: the OS keyring cannot be opened")
    assert f"set {ENV_KEY_STORE}=file" in status.stderr
    assert "Traceback" not in status.stderr
