"""`shuttersense-coordinator`: serve, migrate, and the admin commands of the deployment guide."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import secrets
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from cryptography.fernet import Fernet
from sqlalchemy.orm import Session

from . import __version__
from .db import check_database, damage_named, make_engine, make_session_factory
from .errors import CoordinatorError, InvalidInput, SettingsError
from .logs import configure_logging
from .migrate import upgrade
from .services.accounts import create_user, find_team, reset_password
from .services.registration import DEFAULT_EXPIRY_HOURS, create_registration_token
from .settings import Settings, load_settings
from .trusted_proxies import trust_by_default
from .vapid import new_key_pair, parse_vapid
from .workers import APP, balanced_workers_supported, serve_workers

__all__ = ["main"]


def _settings() -> Settings:
    settings = load_settings()
    configure_logging(settings)
    return settings


def _trust_proxies(args: argparse.Namespace) -> None:
    """SHUSAI_TRUSTED_PROXIES for this server and its workers: `--forwarded-allow-ips` when
    given, else its default for `--host` (trusted_proxies.py)."""
    if args.forwarded_allow_ips is not None:
        os.environ["SHUSAI_TRUSTED_PROXIES"] = args.forwarded_allow_ips
    else:
        trust_by_default([args.host])


def _serve(args: argparse.Namespace) -> int:
    import uvicorn  # only this command needs the server and the app

    from .app import warn_if_metrics_open
    from .served import serve

    _trust_proxies(args)
    settings = _settings()  # refuse weak configuration before starting any worker
    check_database(settings.db_url)  # and a database it cannot reach
    warn_if_metrics_open(settings)
    if settings.is_sqlite and args.workers > 1:
        logging.getLogger("shuttersense").warning(
            "%d workers on the embedded SQLite database: live job updates reach only the "
            "sockets of the worker that made them, and writers wait on each other; use "
            "PostgreSQL (SHUSAI_DB_URL) for several workers",
            args.workers,
        )
    options = {
        "factory": True,
        "host": args.host,
        "port": args.port,
        "proxy_headers": False,  # X-Forwarded-For is read by the app, from trusted proxies only
        # The server logs at SHUSAI_LOG_LEVEL too: its access log (one line per request, at
        # INFO) is off at the production default, WARNING.
        "log_level": settings.log_level.lower(),
        "access_log": settings.log_level in ("DEBUG", "INFO"),
    }
    if args.workers > 1 and balanced_workers_supported():
        return serve_workers(options, args.workers)
    if args.workers > 1:  # uvicorn's own workers: they wait out the claims' long polls to stop
        uvicorn.run(APP, workers=args.workers, **options)
        return 0
    return serve(options)


def _migrate(args: argparse.Namespace) -> int:
    url = _settings().db_url
    check_database(url)
    with damage_named(url):  # a damaged page may show only when the migrations read it
        upgrade(url)
    print("database is at the newest schema")
    return 0


@contextmanager
def _session() -> Iterator[Session]:
    url = _settings().db_url
    check_database(url)
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def _new_password(args: argparse.Namespace, nothing: str = "nothing was created") -> str:
    """--password; else with --password-stdin the first line of stdin; else asked twice on the
    terminal, not echoed. `nothing` says what did not happen when none is given."""
    if args.password is not None:
        return str(args.password)
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise InvalidInput(
            "no terminal to ask for the password on: pipe it in with --password-stdin"
        )
    try:
        password = getpass.getpass(f"Password for {args.email}: ")
        again = getpass.getpass("The same password again: ")
    except (EOFError, KeyboardInterrupt):
        print(file=sys.stderr)
        raise InvalidInput(f"no password given; {nothing}") from None
    if again != password:
        raise InvalidInput(f"the two passwords differ; {nothing}, try again")
    return password


def _create_user(args: argparse.Namespace) -> int:
    with _session() as session:  # the database is checked before the password is asked for
        password = _new_password(args)
        user = create_user(session, args.email, password, admin=args.admin, team=args.team)
        print(f"created {user.role} {user.email} ({user.guid})")
    return 0


def _reset_password(args: argparse.Namespace) -> int:
    with _session() as session:
        password = _new_password(args, "the password was not changed")
        user = reset_password(session, args.email, password)
        print(f"new password set for {user.email} ({user.guid})")
    return 0


def _password_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--email", required=True)
    given = command.add_mutually_exclusive_group()
    given.add_argument(
        "--password", help="seen in the shell's history and by ps; without it, you are asked"
    )
    given.add_argument(
        "--password-stdin", action="store_true", help="read it from the first line of stdin"
    )


def _create_registration_token(args: argparse.Namespace) -> int:
    """The token alone on stdout, so that `$(…)` takes it and nothing else; the rest on stderr."""
    with _session() as session:
        team = find_team(session, args.team)
        issued = create_registration_token(session, team, expires_hours=args.expires_hours)
        until = f"{issued.record.expires_at:%Y-%m-%d %H:%M} UTC"
        print(
            f"registration token for team {team.name!r}, for one agent, valid until {until}:",
            file=sys.stderr,
            flush=True,
        )
        print(issued.token, flush=True)
        print(
            f"(give the art_… line to `shuttersense-agent register --token`; its record, "
            f"{issued.record.guid}, is listed in /api/agents/registration-tokens and is not "
            "the token)",
            file=sys.stderr,
        )
    return 0


def _generate_secrets(args: argparse.Namespace) -> int:
    print(f"SHUSAI_MASTER_KEY={Fernet.generate_key().decode()}")
    print(f"SESSION_SECRET_KEY={secrets.token_urlsafe(32)}")
    print(f"JWT_SECRET_KEY={secrets.token_urlsafe(32)}")
    return 0


def _generate_vapid_keys(args: argparse.Namespace) -> int:
    public, private = new_key_pair()
    try:
        parse_vapid(public, private, args.subject)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"VAPID_PUBLIC_KEY={public}")
    print(f"VAPID_PRIVATE_KEY={private}")
    print(f"VAPID_SUBJECT={args.subject}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shuttersense-coordinator",
        description="The ShutterSense coordinator: API, agent protocol and dashboard.",
    )
    parser.add_argument(
        "--version", action="version", version=f"shuttersense-coordinator {__version__}"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="run the HTTP server (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--forwarded-allow-ips",
        metavar="LIST",
        help="proxies whose X-Forwarded-For is believed (addresses or networks, comma "
        "separated; sets SHUSAI_TRUSTED_PROXIES; default: loopback when --host is loopback)",
    )
    serve.set_defaults(run=_serve)
    commands.add_parser("migrate", help="alembic upgrade head").set_defaults(run=_migrate)
    user = commands.add_parser("create-user", help="add a user (the first one is an admin)")
    _password_arguments(user)
    user.add_argument("--admin", action="store_true", help="make the user an admin of the team")
    user.add_argument("--team", metavar="NAME", help="the team (created if new)")
    user.set_defaults(run=_create_user)
    reset = commands.add_parser("reset-password", help="give a user a new password")
    _password_arguments(reset)
    reset.set_defaults(run=_reset_password)
    token = commands.add_parser(
        "create-registration-token", help="print a one-time art_… token for an agent"
    )
    token.add_argument("--team", metavar="NAME")
    token.add_argument("--expires-hours", type=int, default=DEFAULT_EXPIRY_HOURS, metavar="H")
    token.set_defaults(run=_create_registration_token)
    commands.add_parser(
        "generate-secrets", help="print a Fernet master key and two 32+ character secrets"
    ).set_defaults(run=_generate_secrets)
    vapid = commands.add_parser(
        "generate-vapid-keys", help="print a VAPID key pair for web push (docs/dashboard.md)"
    )
    vapid.add_argument(
        "--subject", required=True, help="a contact for push services: mailto:you@example.com"
    )
    vapid.set_defaults(run=_generate_vapid_keys)
    return parser


def _complain(exc: CoordinatorError) -> None:
    """The error on stderr, one line per problem, no traceback."""
    lines = str(exc).splitlines()
    if isinstance(exc, SettingsError) and len(lines) > 1:
        lines = [f"{len(lines)} settings need fixing before anything starts:", *lines]
    print(f"shuttersense-coordinator: error: {lines[0]}", file=sys.stderr)
    for line in lines[1:]:
        print(f"  {line}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except CoordinatorError as exc:
        _complain(exc)
        return 2


if __name__ == "__main__":
    sys.exit(main())
