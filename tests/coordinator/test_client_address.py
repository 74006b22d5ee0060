"""Who the client is: X-Forwarded-For is believed from trusted proxies only, as far as they go,
so a client cannot name itself anew to escape the sign-in rate limit (both databases)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from benchmarks.large_body import served
from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.cli import _trust_proxies, build_parser
from shuttersense.coordinator.errors import SettingsError
from shuttersense.coordinator.settings import load_settings


def served_to(environ: dict[str, str], trusted: str) -> TestClient:
    """The coordinator trusting `trusted`, called from 127.0.0.1 (where a local proxy runs)."""
    settings = load_settings({**environ, "SHUSAI_TRUSTED_PROXIES": trusted})
    return TestClient(create_app(settings, sweep_interval=None), client=("127.0.0.1", 40000))


def failed_logins(
    client: TestClient | httpx.Client, forwarded_for: Callable[[int], str]
) -> list[int]:
    """Eleven wrong sign-ins, each for another account (so only the per-address limit counts)."""
    return [
        client.post(
            "/api/auth/login",
            json={"email": f"user{n}@example.com", "password": "wrong password"},
            headers={"X-Forwarded-For": forwarded_for(n)},
        ).status_code
        for n in range(11)
    ]


def test_an_untrusted_peer_cannot_name_another_client(environ: dict[str, str]) -> None:
    with served_to(environ, "10.0.0.1") as client:
        statuses = failed_logins(client, lambda n: f"203.0.113.{n}")
    assert statuses == [401] * 10 + [429]


def test_behind_a_trusted_proxy_the_real_client_counts(environ: dict[str, str]) -> None:
    with served_to(environ, "127.0.0.1, 10.0.0.0/8") as client:
        assert failed_logins(client, lambda n: f"203.0.113.{n}") == [401] * 11
        # Two proxies deep, the client is the right-most address that is not a proxy.
        assert failed_logins(client, lambda n: "198.51.100.7, 10.1.2.3") == [401] * 10 + [429]


def test_a_spoofed_left_part_of_the_chain_does_not_escape(environ: dict[str, str]) -> None:
    with served_to(environ, "127.0.0.1") as client:
        statuses = failed_logins(client, lambda n: f"192.0.2.{n}, 203.0.113.9")
    assert statuses == [401] * 10 + [429]


def test_a_served_coordinator_believes_only_its_proxies(tmp_path: Path) -> None:
    """Served by uvicorn, whose own proxy handling trusted 127.0.0.1 whatever the setting."""
    coordinator = str(Path(sys.executable).with_name("shuttersense-coordinator"))
    options = ("--forwarded-allow-ips", "192.0.2.1")
    with served(coordinator, tmp_path, *options) as (port, _pid), httpx.Client() as client:
        client.base_url = httpx.URL(f"http://127.0.0.1:{port}")
        statuses = failed_logins(client, lambda n: f"203.0.113.{n}")
    assert statuses == [401] * 10 + [429]


def test_trusted_proxies_must_be_addresses_or_networks(environ: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match="SHUSAI_TRUSTED_PROXIES"):
        load_settings({**environ, "SHUSAI_TRUSTED_PROXIES": "127.0.0.1, nginx"})


@pytest.mark.parametrize(
    ("argv", "trusted"),
    [
        (["serve"], "127.0.0.0/8,::1"),  # the default host is 127.0.0.1: behind a local proxy
        (["serve", "--host", "::1"], "127.0.0.0/8,::1"),
        (["serve", "--host", "0.0.0.0"], ""),  # noqa: S104 - bound to every address: no one
        (["serve", "--host", "0.0.0.0", "--forwarded-allow-ips", "10.0.0.2"], "10.0.0.2"),  # noqa: S104
    ],
)
def test_serve_trusts_loopback_only_when_bound_to_it(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], trusted: str
) -> None:
    monkeypatch.delenv("SHUSAI_TRUSTED_PROXIES", raising=False)
    args: argparse.Namespace = build_parser().parse_args(argv)
    _trust_proxies(args)
    assert os.environ["SHUSAI_TRUSTED_PROXIES"] == trusted


def test_an_operators_setting_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUSAI_TRUSTED_PROXIES", "192.0.2.1")
    _trust_proxies(build_parser().parse_args(["serve", "--host", "127.0.0.1"]))
    assert os.environ["SHUSAI_TRUSTED_PROXIES"] == "192.0.2.1"
