"""`register` with a key store that fails: the token is not spent for nothing, the key not lost."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest

from shuttersense.desktop.agent.agent_config import load_config
from shuttersense.desktop.agent.context import AGENT_KEY, AgentContext
from shuttersense.desktop.agent.credentials import ENV_KEY_STORE, FileKeyStore
from shuttersense.desktop.cli.main import main
from tests.desktop.cli.conftest import Agent
from tests.desktop.conftest import SERVER
from tests.desktop.fake_coordinator import AGENT_KEY as KEY
from tests.desktop.fake_coordinator import REGISTRATION_TOKEN, FakeCoordinator
from tests.helpers.keyrings import BrokenKeyring, KeyLosingKeyring, MemoryKeyring

REGISTER = ("register", "--server", SERVER, "--token", REGISTRATION_TOKEN, "--name", "studio")


def _use_keyring(
    backend: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MemoryKeyring]:
    monkeypatch.delenv(
        ENV_KEY_STORE, raising=False
    )  # the store is chosen as on a desktop: the OS keyring
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def key_losing(context: AgentContext, monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    yield from _use_keyring(KeyLosingKeyring(), monkeypatch)


@pytest.fixture
def broken(context: AgentContext, monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    yield from _use_keyring(BrokenKeyring(), monkeypatch)


def run_fresh(
    context: AgentContext, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """A command as a new process would run it: nothing cached from the registration."""
    code = main(list(args), context=AgentContext(context.dirs, transport=context.transport))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_key_the_keyring_refuses_after_the_answer_goes_to_the_file(
    agent: Agent,
    context: AgentContext,
    fake: FakeCoordinator,
    key_losing: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    done = agent(*REGISTER)
    assert done.code == 0, done.err
    assert len(fake.calls_to("register")) == 1
    fallback = FileKeyStore(context.dirs.config)
    assert fallback.get(AGENT_KEY) == KEY
    assert load_config(context.dirs.config).key_store == "file"
    assert "warning: the agent key could not be stored where intended" in done.err
    assert "ValueError: cannot store 'agent_key': the keyring is locked" in done.err
    assert "Traceback" not in done.err
    kept_in = "the OS keyring failed when the agent registered; encrypted file"
    assert f"agent key kept in: {kept_in} {fallback.path}" in done.out

    code, out, _ = run_fresh(context, capsys, "self-test")
    assert "OK    agent key: accepted" in out
    assert f"OK    keyring: fallback: {kept_in} {fallback.path}" in out
    assert fake.calls_to("pool-status")[-1].authorization == f"Bearer {KEY}"
    code, out, err = run_fresh(context, capsys, "status")
    assert code == 0, err
    assert f"agent key:    {kept_in} {fallback.path}" in out
    # Later secrets (the offline store's key) follow the agent key into the file.
    assert fallback.get("offline_store_key")
    assert key_losing.values == {}  # the probe's entry was deleted, nothing else went there


def test_a_keyring_that_fails_the_probe_is_refused_before_the_token_is_sent(
    agent: Agent,
    context: AgentContext,
    fake: FakeCoordinator,
    broken: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    done = agent(*REGISTER)
    assert (done.code, done.out) == (2, "")
    assert fake.calls_to("register") == []
    assert done.err.startswith(
        "shuttersense-agent: error: the agent key could not be kept, so nothing was sent and "
        "the registration token is still valid: the OS keyring cannot be written (ValueError: "
    )
    assert f"set {ENV_KEY_STORE}=file" in done.err
    assert "Traceback" not in done.err
    assert load_config(context.dirs.config).identity is None
    assert not (context.dirs.config / "credentials.enc").exists()

    monkeypatch.setenv(ENV_KEY_STORE, "file")  # what the message says to do
    code, _, err = run_fresh(context, capsys, *REGISTER)
    assert code == 0, err
    assert FileKeyStore(context.dirs.config).get(AGENT_KEY) == KEY


def test_a_working_keyring_keeps_the_key_and_records_no_fallback(
    agent: Agent, context: AgentContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    for working in _use_keyring(MemoryKeyring(), monkeypatch):
        done = agent(*REGISTER)
        assert done.code == 0, done.err
        assert done.err == ""
        assert working.values == {("shuttersense-agent", AGENT_KEY): KEY}
    assert load_config(context.dirs.config).key_store is None
    assert not (context.dirs.config / "credentials.enc").exists()


def test_registering_again_after_a_fallback_keeps_using_the_file(
    agent: Agent,
    context: AgentContext,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for _ in _use_keyring(KeyLosingKeyring(), monkeypatch):
        assert agent(*REGISTER).code == 0
    for working in _use_keyring(MemoryKeyring(), monkeypatch):  # the keyring works again
        code, _, err = run_fresh(context, capsys, *REGISTER)
        assert code == 0, err
        assert working.values == {}
        assert load_config(context.dirs.config).key_store == "file"
        code, out, _ = run_fresh(context, capsys, "self-test")
        assert "OK    agent key: accepted" in out


def test_registering_with_the_keyring_forced_moves_the_key_back(
    agent: Agent,
    context: AgentContext,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for _ in _use_keyring(KeyLosingKeyring(), monkeypatch):
        assert agent(*REGISTER).code == 0
    for working in _use_keyring(MemoryKeyring(), monkeypatch):
        monkeypatch.setenv(ENV_KEY_STORE, "keyring")
        code, _, err = run_fresh(context, capsys, *REGISTER)
        assert code == 0, err
        monkeypatch.delenv(ENV_KEY_STORE)
        assert load_config(context.dirs.config).key_store is None
        assert working.values == {("shuttersense-agent", AGENT_KEY): KEY}
        code, out, _ = run_fresh(context, capsys, "self-test")
        assert "OK    agent key: accepted" in out
        assert "OK    keyring: OS keyring" in out
