"""`shuttersense-coordinator` admin commands against both databases."""

from __future__ import annotations

import hashlib
import io
import os
import pty
import select as io_select
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from shuttersense.coordinator.cli import main
from shuttersense.coordinator.models import AuditEvent, RegistrationToken, Team, User
from shuttersense.coordinator.passwords import verify_password

COORDINATOR = str(Path(sys.executable).with_name("shuttersense-coordinator"))


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, environ: dict[str, str]) -> dict[str, str]:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return environ


def _rows(url: str, model: type) -> list:
    engine = create_engine(url)
    with Session(engine) as session:
        rows = list(session.scalars(select(model)))
    engine.dispose()
    return rows


def test_first_user_is_admin_of_a_new_team_then_members_join_it(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["create-user", "--email", "Ada@Example.com", "--password", "s3cret-pass"]) == 0
    assert main(["create-user", "--email", "bob@example.com", "--password", "s3cret-pass"]) == 0
    out = capsys.readouterr().out
    assert "created admin ada@example.com (usr_" in out
    assert "created member bob@example.com" in out
    users = {u.email: u for u in _rows(env["SHUSAI_DB_URL"], User)}
    assert users["ada@example.com"].team_id == users["bob@example.com"].team_id
    assert "s3cret-pass" not in users["ada@example.com"].password_hash
    [team] = _rows(env["SHUSAI_DB_URL"], Team)
    assert team.guid.startswith("ten_")
    actions = [e.action for e in _rows(env["SHUSAI_DB_URL"], AuditEvent)]
    assert actions == ["user.created", "user.created"]


def test_a_new_team_name_makes_its_creator_admin(env: dict[str, str]) -> None:
    main(["create-user", "--email", "a@example.com", "--password", "s3cret-pass"])
    main(
        ["create-user", "--email", "c@example.com", "--password", "s3cret-pass", "--team", "Studio"]
    )
    roles = {u.email: u.role for u in _rows(env["SHUSAI_DB_URL"], User)}
    assert roles["c@example.com"] == "admin"
    assert {t.name for t in _rows(env["SHUSAI_DB_URL"], Team)} == {"My team", "Studio"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "a@example.com", "--password", "short"], "at least 8"),
        (["--email", "not-an-email", "--password", "s3cret-pass"], "not an email"),
        (["--email", "A@example.com", "--password", "s3cret-pass"], "exists already"),
    ],
)
def test_bad_users_are_refused_with_a_reason(
    env: dict[str, str], capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    main(["create-user", "--email", "a@example.com", "--password", "s3cret-pass"])
    capsys.readouterr()
    assert main(["create-user", *args]) == 2
    assert message in capsys.readouterr().err


def test_reset_password_gives_a_user_a_new_one(
    env: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    main(["create-user", "--email", "a@example.com", "--password", "s3cret-pass"])
    monkeypatch.setattr(sys, "stdin", io.StringIO("another-pass\n"))
    assert main(["reset-password", "--email", "A@example.com", "--password-stdin"]) == 0
    out = capsys.readouterr().out
    assert "new password set for a@example.com (usr_" in out and "another-pass" not in out
    [user] = _rows(env["SHUSAI_DB_URL"], User)
    assert verify_password("another-pass", user.password_hash)
    assert not verify_password("s3cret-pass", user.password_hash)
    actions = [e.action for e in _rows(env["SHUSAI_DB_URL"], AuditEvent)]
    assert actions == ["user.created", "user.password_reset"]
    assert "another-pass" not in str([e.details for e in _rows(env["SHUSAI_DB_URL"], AuditEvent)])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "b@example.com", "--password", "s3cret-pass"], "no user with email"),
        (["--email", "a@example.com", "--password", "short"], "at least 8"),
    ],
)
def test_reset_password_refusals_change_nothing(
    env: dict[str, str], capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    main(["create-user", "--email", "a@example.com", "--password", "s3cret-pass"])
    capsys.readouterr()
    assert main(["reset-password", *args]) == 2
    assert message in capsys.readouterr().err
    [user] = _rows(env["SHUSAI_DB_URL"], User)
    assert verify_password("s3cret-pass", user.password_hash)


def test_registration_token_is_printed_once_and_stored_hashed(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    main(["create-user", "--email", "a@example.com", "--password", "s3cret-pass"])
    capsys.readouterr()
    assert main(["create-registration-token", "--expires-hours", "48"]) == 0
    printed = capsys.readouterr()
    token = printed.out.removesuffix("\n")
    assert token.startswith("art_") and len(token) > 40
    assert "\n" not in token  # stdout holds the token alone: `$(…)` captures just that
    [record] = _rows(env["SHUSAI_DB_URL"], RegistrationToken)
    assert record.token_hash == hashlib.sha256(token.encode()).hexdigest()
    hours = (record.expires_at - record.created_at).total_seconds() / 3600
    assert 47.9 < hours < 48.1
    label, note = printed.err.splitlines()[-2:]  # after the log's notices
    assert label.startswith("registration token for team 'My team', for one agent, valid until")
    assert record.guid in note and "is not the token" in note and token not in printed.err


def test_registration_token_limits(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    main(["create-user", "--email", "a@example.com", "--password", "s3cret-pass"])
    assert main(["create-registration-token", "--expires-hours", "200"]) == 2
    assert main(["create-registration-token", "--team", "Nope"]) == 2
    err = capsys.readouterr().err
    assert "1 to 168 hours" in err and "no team named 'Nope'" in err


def test_generate_secrets_prints_usable_values(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate-secrets"]) == 0
    values = dict(line.split("=", 1) for line in capsys.readouterr().out.splitlines())
    Fernet(values["SHUSAI_MASTER_KEY"].encode())
    assert len(values["SESSION_SECRET_KEY"]) >= 32 and len(values["JWT_SECRET_KEY"]) >= 32
    assert values["SESSION_SECRET_KEY"] != values["JWT_SECRET_KEY"]


def test_production_refusal_stops_commands(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SHUSAI_ENV", "production")
    monkeypatch.setenv("SHUSAI_DB_URL", "postgresql://x@127.0.0.1:1/db")
    monkeypatch.delenv("SHUSAI_MASTER_KEY", raising=False)
    assert main(["migrate"]) == 2
    assert "SHUSAI_MASTER_KEY: is required in production" in capsys.readouterr().err


@pytest.mark.parametrize(("level", "access_log"), [("WARNING", False), ("INFO", True)])
def test_serve_logs_at_the_configured_level_with_an_access_log_from_info(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, level: str, access_log: bool
) -> None:
    from shuttersense.coordinator import served

    started: dict[str, object] = {}
    monkeypatch.setattr(served, "serve", lambda options: started.update(options) or 0)
    monkeypatch.setenv("SHUSAI_LOG_LEVEL", level)

    assert main(["serve", "--port", "8123"]) == 0

    assert started["log_level"] == level.lower() and started["access_log"] is access_log
    assert started["port"] == 8123 and started["factory"] is True


def on_terminal(argv: list[str], env: dict[str, str], answers: list[str]) -> tuple[int, str]:
    """Run `argv` on a terminal of its own, typing each answer after a prompt (`…: `); its exit
    status and everything the terminal showed."""
    main_fd, child_fd = pty.openpty()
    process = subprocess.Popen(
        argv, stdin=child_fd, stdout=child_fd, stderr=child_fd, env=env, start_new_session=True
    )
    os.close(child_fd)
    shown, pending = b"", list(answers)
    try:
        while io_select.select([main_fd], [], [], 60)[0]:
            try:
                chunk = os.read(main_fd, 4096)
            except OSError:  # EIO: the command has ended and closed the terminal
                break
            shown += chunk
            if pending and shown.endswith(b": "):
                os.write(main_fd, pending.pop(0).encode() + b"\n")
    finally:
        os.close(main_fd)  # a command still waiting for an answer gets a hang-up
        status = process.wait(timeout=60)
    return status, shown.decode(errors="replace")


def _process_env(environ: dict[str, str]) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("SHUSAI_")}, **environ}


def test_create_user_asks_for_the_password_twice_without_showing_it(
    environ: dict[str, str],
) -> None:
    argv = [COORDINATOR, "create-user", "--email", "ada@example.com", "--admin"]
    status, shown = on_terminal(argv, _process_env(environ), ["typed-secret", "typed-secret"])
    assert status == 0, shown
    assert "Password for ada@example.com: " in shown and "The same password again: " in shown
    assert "typed-secret" not in shown  # not echoed
    assert "created admin ada@example.com" in shown
    [user] = _rows(environ["SHUSAI_DB_URL"], User)
    assert verify_password("typed-secret", user.password_hash)


def test_create_user_refuses_two_different_passwords(environ: dict[str, str]) -> None:
    argv = [COORDINATOR, "create-user", "--email", "ada@example.com"]
    status, shown = on_terminal(argv, _process_env(environ), ["typed-secret", "typed-secre7"])
    assert status == 2 and "the two passwords differ; nothing was created" in shown
    assert _rows(environ["SHUSAI_DB_URL"], User) == []


def test_create_user_reads_the_password_from_stdin_for_scripts(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("piped secret \nsecond line\n"))
    assert main(["create-user", "--email", "ci@example.com", "--password-stdin"]) == 0
    [user] = _rows(env["SHUSAI_DB_URL"], User)
    assert verify_password("piped secret ", user.password_hash)


def test_create_user_without_a_terminal_or_a_password_says_how(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("not read\n"))
    assert main(["create-user", "--email", "ci@example.com"]) == 2
    assert "pipe it in with --password-stdin" in capsys.readouterr().err
    assert _rows(env["SHUSAI_DB_URL"], User) == []
