"""Setting web push up (both databases): the VAPID variables, the development pair generated
once and kept encrypted, production without keys, `generate-vapid-keys`, and what a browser may
subscribe: only a push service on the internet, with keys of the right size, its own."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from shuttersense.coordinator.app import create_app
from shuttersense.coordinator.cli import main
from shuttersense.coordinator.errors import SettingsError
from shuttersense.coordinator.models import InstanceValue
from shuttersense.coordinator.settings import Settings, load_settings
from shuttersense.coordinator.vapid import new_key_pair, parse_vapid
from shuttersense.coordinator.vault import Vault
from tests.coordinator.factories import Teams, db, invalid
from tests.helpers.push_service import Browser

KEY = "/api/push/vapid-public-key"


def _pair(subject: str = "mailto:ops@studio.example") -> dict[str, str]:
    public, private = new_key_pair()
    return {"VAPID_PUBLIC_KEY": public, "VAPID_PRIVATE_KEY": private, "VAPID_SUBJECT": subject}


@pytest.mark.parametrize(
    ("change", "variable"),
    [
        ({"VAPID_PRIVATE_KEY": ""}, "VAPID_PRIVATE_KEY"),
        ({"VAPID_PUBLIC_KEY": new_key_pair()[0]}, "VAPID_PUBLIC_KEY"),
        ({"VAPID_PRIVATE_KEY": "not a key"}, "VAPID_PRIVATE_KEY"),
        ({"VAPID_SUBJECT": "ops@studio.example"}, "VAPID_SUBJECT"),
    ],
)
def test_the_vapid_variables_go_together_as_one_pair(
    environ: dict[str, str], change: dict[str, str], variable: str
) -> None:
    with pytest.raises(SettingsError, match=variable):
        load_settings({**environ, **_pair(), **change})


def test_the_push_api_is_described(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {p: set(ops) for p, ops in paths.items() if p.startswith("/api/push")} == {
        "/api/push/vapid-public-key": {"get"},
        "/api/push/subscriptions": {"get", "post"},
        "/api/push/subscriptions/{guid}": {"delete"},
        "/api/push/preferences": {"get", "put"},
    }
    assert not [p for p in paths if not p.startswith(("/api/", "/health", "/metrics"))]


def test_a_subject_alone_is_the_contact_of_the_development_pair(
    environ: dict[str, str],
) -> None:
    settings = load_settings({**environ, "VAPID_SUBJECT": "https://studio.example/contact"})
    app = create_app(settings, sweep_interval=None)
    try:
        keys = app.state.vapid.keys()
        assert keys is not None and keys.subject == "https://studio.example/contact"
    finally:
        app.state.engine.dispose()


def test_configured_keys_are_the_ones_served(environ: dict[str, str]) -> None:
    pair = _pair()
    with TestClient(create_app(load_settings({**environ, **pair}), sweep_interval=None)) as app:
        assert app.get(KEY).json() == {"public_key": pair["VAPID_PUBLIC_KEY"]}


def test_development_generates_one_pair_and_keeps_it_encrypted(
    settings: Settings, db_url: str
) -> None:
    served = []
    for _ in range(2):  # a restart, or another instance
        with TestClient(create_app(settings, sweep_interval=None)) as app:
            served.append(app.get(KEY).json()["public_key"])
    first, again = served
    assert first == again  # signs with the same pair
    with db(db_url) as session:
        stored = session.get_one(InstanceValue, "vapid_keys").value
    opened = Vault(settings.master_key).decrypt(stored)
    private = opened.split('"private_key": "')[1].split('"')[0]
    assert private not in stored
    assert parse_vapid(first, private, "mailto:x@y.example") is not None


def test_production_without_keys_has_no_push(settings: Settings, teams: Teams) -> None:
    production = replace(settings, env="production")
    with TestClient(create_app(production, sweep_interval=None)) as app:
        answer = app.get(KEY)
        assert answer.status_code == 404 and "VAPID_PUBLIC_KEY" in answer.json()["detail"]
        loopback = Browser("http://127.0.0.1:9/push/x").subscription()
        made = app.post("/api/push/subscriptions", headers=teams.admin, json=loopback)
        assert "https" in invalid(made)  # the development-only loopback push service


def test_generate_vapid_keys_prints_a_pair_the_settings_take(
    capsys: pytest.CaptureFixture[str], environ: dict[str, str]
) -> None:
    assert main(["generate-vapid-keys", "--subject", "mailto:ops@studio.example"]) == 0
    values = dict(line.split("=", 1) for line in capsys.readouterr().out.splitlines())
    assert load_settings({**environ, **values}).vapid_public_key == values["VAPID_PUBLIC_KEY"]
    assert main(["generate-vapid-keys", "--subject", "ops"]) == 2
    assert "mailto:" in capsys.readouterr().err


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://push.example.com/x",
        "https://push.example.com:8443/x",
        "https://user:pw@push.example.com/x",
        "https://10.1.2.3/x",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/x",
        "https://localhost/x",
        "https://db.localhost/x",
        "file:///etc/passwd",
        "https:///x",
    ],
)
def test_only_a_push_service_on_the_internet_can_be_subscribed(
    client: TestClient, teams: Teams, endpoint: str
) -> None:
    made = client.post(
        "/api/push/subscriptions", headers=teams.admin, json=Browser(endpoint).subscription()
    )
    assert made.status_code == 422, made.text
    assert client.get("/api/push/subscriptions", headers=teams.admin).json() == []


def test_keys_of_the_wrong_size_are_refused(client: TestClient, teams: Teams) -> None:
    body = Browser("https://push.example.com/x").subscription()
    body["keys"]["auth"] = body["keys"]["p256dh"]
    assert "keys.auth" in invalid(
        client.post("/api/push/subscriptions", headers=teams.admin, json=body)
    )


def test_a_subscription_is_its_users_own(client: TestClient, teams: Teams) -> None:
    browser = Browser("https://push.example.com/admin-phone").subscription()
    made = client.post("/api/push/subscriptions", headers=teams.admin, json=browser)
    assert made.status_code == 201, made.text
    guid = made.json()["guid"]
    assert client.get("/api/push/subscriptions", headers=teams.member).json() == []
    assert client.delete(f"/api/push/subscriptions/{guid}", headers=teams.member).status_code == 404
    assert client.delete(f"/api/push/subscriptions/{guid}", headers=teams.admin).status_code == 204
    assert client.get("/api/push/subscriptions", headers=teams.admin).json() == []
