"""Key stores: the encrypted file fallback, and which store is picked."""

from __future__ import annotations

import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from shuttersense.desktop.agent import credentials
from shuttersense.desktop.agent.credentials import (
    ENV_KEY_STORE,
    KEYRING_FAILED,
    FileKeyStore,
    KeyringKeyStore,
    open_key_store,
    probe,
)
from shuttersense.desktop.agent.errors import CredentialError
from tests.helpers.keyrings import BrokenKeyring, MemoryKeyring


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """What headless Linux has: only the `fail` backend."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def test_file_store_round_trip(tmp_path: Path) -> None:
    store = FileKeyStore(tmp_path / "config")
    assert store.get("agent_key") is None
    store.set("agent_key", "agt_key_1")
    store.set("offline_store_key", "k2")
    again = FileKeyStore(tmp_path / "config")
    assert again.get("agent_key") == "agt_key_1"
    assert again.get("offline_store_key") == "k2"
    again.delete("agent_key")
    again.delete("never-stored")
    assert FileKeyStore(tmp_path / "config").get("agent_key") is None
    assert FileKeyStore(tmp_path / "config").get("offline_store_key") == "k2"


def test_file_store_is_private_and_encrypted(tmp_path: Path) -> None:
    store = FileKeyStore(tmp_path / "config")
    store.set("agent_key", "agt_key_plain_text_marker")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert b"agt_key_plain_text_marker" not in store.path.read_bytes()
    assert sorted(p.name for p in store.path.parent.iterdir()) == [
        "credentials.enc",
        "credentials.lock",  # empty: only locked, for writers in several processes
    ]
    assert not store.is_os_keyring
    assert "encrypted file" in store.description


def test_a_file_from_another_machine_cannot_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(credentials, "_machine_secret", lambda: b"another-machine-id")
    FileKeyStore(tmp_path).set("agent_key", "agt_key_1")
    monkeypatch.undo()
    with pytest.raises(CredentialError, match="cannot be decrypted on this machine") as refused:
        FileKeyStore(tmp_path).get("agent_key")
    assert "register the agent again" in str(refused.value)


def test_a_corrupt_file_gives_advice(tmp_path: Path) -> None:
    (tmp_path / "credentials.enc").write_bytes(b"not a fernet token")
    with pytest.raises(CredentialError, match="register the agent again"):
        FileKeyStore(tmp_path).get("agent_key")


@pytest.mark.usefixtures("no_keyring")
def test_without_keyring_backend_the_file_store_is_picked(tmp_path: Path) -> None:
    store = open_key_store(tmp_path)
    assert isinstance(store, FileKeyStore)
    assert store.path == tmp_path / "credentials.enc"


def test_a_usable_keyring_is_picked_and_works(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    store = open_key_store(tmp_path)
    assert isinstance(store, KeyringKeyStore)
    assert store.is_os_keyring
    assert "MemoryKeyring" in store.description
    store.set("agent_key", "agt_key_2")
    assert store.get("agent_key") == "agt_key_2"
    assert memory_keyring.values == {("shuttersense-agent", "agent_key"): "agt_key_2"}
    store.delete("agent_key")
    store.delete("agent_key")  # deleting what is gone is fine
    assert store.get("agent_key") is None
    assert not (tmp_path / "credentials.enc").exists()


def test_the_environment_forces_the_file_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    monkeypatch.setenv(ENV_KEY_STORE, "file")
    assert isinstance(open_key_store(tmp_path), FileKeyStore)


def test_the_environment_forces_the_keyring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    monkeypatch.setenv(ENV_KEY_STORE, "keyring")
    assert isinstance(open_key_store(tmp_path), KeyringKeyStore)
    assert isinstance(open_key_store(tmp_path, "file"), FileKeyStore)  # an argument wins


@pytest.mark.usefixtures("no_keyring")
def test_a_forced_keyring_without_backend_reports_a_credential_error(tmp_path: Path) -> None:
    store = open_key_store(tmp_path, "keyring")
    with pytest.raises(CredentialError, match="OS keyring cannot be read"):
        store.get("agent_key")
    with pytest.raises(CredentialError, match="cannot be written"):
        store.set("agent_key", "x")


@pytest.mark.parametrize("value", ["File", "vault", " file"])
def test_an_invalid_choice_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(ENV_KEY_STORE, value)
    with pytest.raises(CredentialError, match=f"{ENV_KEY_STORE} must be 'file' or 'keyring'"):
        open_key_store(tmp_path)


def test_concurrent_writers_lose_no_secret(tmp_path: Path) -> None:
    store = FileKeyStore(tmp_path)

    def write(number: int) -> None:
        FileKeyStore(tmp_path).set(f"key-{number}", f"value-{number}")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [store.get(f"key-{n}") for n in range(12)] == [f"value-{n}" for n in range(12)]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no leftovers


def test_deleting_the_last_secret_leaves_no_file(tmp_path: Path) -> None:
    store = FileKeyStore(tmp_path)
    store.set("agent_key", "agt_key_1")
    store.delete("agent_key")
    assert not store.path.exists()
    assert store.get("agent_key") is None


def test_the_probe_leaves_a_working_store_as_it_was(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.values[("shuttersense-agent", "agent_key")] = "agt_key_1"
    probe(open_key_store(tmp_path))
    assert memory_keyring.values == {("shuttersense-agent", "agent_key"): "agt_key_1"}
    probe(FileKeyStore(tmp_path))
    assert not (tmp_path / "credentials.enc").exists()


class _Forgetful(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        return None


@pytest.mark.parametrize(
    ("backend", "expected"),
    [
        (BrokenKeyring(), r"cannot be written \(ValueError: cannot store 'probe-"),
        (_Forgetful(), "did not give back what was written to it"),
    ],
)
def test_the_probe_refuses_a_store_that_cannot_keep_a_secret(
    tmp_path: Path, backend: MemoryKeyring, expected: str
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        with pytest.raises(CredentialError, match=expected):
            probe(open_key_store(tmp_path))
    finally:
        keyring.set_keyring(previous)
    assert backend.values == {}


class _Raising(MemoryKeyring):
    """A backend whose every call fails with something that is not a KeyringError."""

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("D-Bus connection closed")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise ValueError("locked")

    def delete_password(self, service: str, username: str) -> None:
        raise OSError("gone")


def test_any_backend_failure_becomes_a_credential_error_with_advice(tmp_path: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(_Raising())
    try:
        store = open_key_store(tmp_path)
        calls = (
            lambda: store.get("agent_key"),
            lambda: store.set("agent_key", "x"),
            lambda: store.delete("agent_key"),
        )
        for call, error in zip(calls, ("RuntimeError", "ValueError", "OSError"), strict=True):
            with pytest.raises(CredentialError, match=error) as refused:
                call()
            assert f"set {ENV_KEY_STORE}=file" in str(refused.value)
    finally:
        keyring.set_keyring(previous)


def test_a_saved_fallback_is_used_unless_the_environment_says_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    saved = open_key_store(tmp_path, saved="file")
    assert isinstance(saved, FileKeyStore)
    assert saved.description.startswith(f"{KEYRING_FAILED}; encrypted file")
    assert isinstance(open_key_store(tmp_path), KeyringKeyStore)
    monkeypatch.setenv(ENV_KEY_STORE, "keyring")
    assert isinstance(open_key_store(tmp_path, saved="file"), KeyringKeyStore)
