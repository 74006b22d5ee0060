"""Settings from the environment: production refuses weak config, development fills in."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from shuttersense.coordinator.errors import SettingsError
from shuttersense.coordinator.settings import load_settings

GOOD = {
    "SHUSAI_ENV": "production",
    "SHUSAI_DB_URL": "postgresql://app:pw@db.example:5432/shuttersense",
    "SHUSAI_MASTER_KEY": Fernet.generate_key().decode(),
    "SESSION_SECRET_KEY": "s" * 32,
    "JWT_SECRET_KEY": "j" * 40,
}


def test_production_accepts_strong_config_and_normalises_the_driver() -> None:
    settings = load_settings(GOOD)
    assert settings.is_production
    assert settings.db_url == "postgresql+psycopg://app:pw@db.example:5432/shuttersense"
    assert settings.session_https_only is True
    assert "pw" not in repr(settings) and GOOD["JWT_SECRET_KEY"] not in repr(settings)


@pytest.mark.parametrize(
    ("change", "variable"),
    [
        ({"SHUSAI_MASTER_KEY": ""}, "SHUSAI_MASTER_KEY"),
        ({"SHUSAI_MASTER_KEY": "not-a-fernet-key"}, "SHUSAI_MASTER_KEY"),
        ({"SESSION_SECRET_KEY": "short"}, "SESSION_SECRET_KEY"),
        ({"JWT_SECRET_KEY": "x" * 31}, "JWT_SECRET_KEY"),
        ({"SHUSAI_DB_URL": ""}, "SHUSAI_DB_URL"),
        ({"SESSION_SAME_SITE": "sometimes"}, "SESSION_SAME_SITE"),
        ({"SESSION_HTTPS_ONLY": "maybe"}, "SESSION_HTTPS_ONLY"),
        ({"SHUSAI_LOG_LEVEL": "LOUD"}, "SHUSAI_LOG_LEVEL"),
    ],
)
def test_production_refuses_weak_config_naming_the_variable(change: dict, variable: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({**GOOD, **change})
    assert caught.value.variable == variable
    assert str(caught.value).startswith(variable)


def test_production_lists_every_missing_or_weak_variable_at_once() -> None:
    env = {
        "SHUSAI_ENV": "production",
        "SESSION_SECRET_KEY": "s" * 32,
        "JWT_SECRET_KEY": "too short",
        "SESSION_SAME_SITE": "sometimes",
        "SHUSAI_TRUSTED_PROXIES": "10.0.0.0/8, nonsense",
    }
    with pytest.raises(SettingsError) as caught:
        load_settings(env)
    problems = dict(caught.value.problems)
    assert list(problems) == [
        "SHUSAI_DB_URL",
        "SHUSAI_MASTER_KEY",
        "JWT_SECRET_KEY",
        "SESSION_SAME_SITE",
        "SHUSAI_TRUSTED_PROXIES",
    ]
    assert problems["JWT_SECRET_KEY"] == "must be at least 32 characters, not 9"
    assert "too short" not in str(caught.value)  # a weak secret is still a secret
    assert str(caught.value).splitlines()[1].startswith("SHUSAI_MASTER_KEY: is required")


def test_development_generates_secrets_once_private_and_reuses_them(tmp_path: Path) -> None:
    env = {"SHUSAI_DATA_DIR": str(tmp_path / "data"), "SHUSAI_LOG_DIR": str(tmp_path / "logs")}
    first = load_settings(env)
    secrets_file = tmp_path / "data" / "secrets.json"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert len(first.session_secret_key) >= 32 and len(first.jwt_secret_key) >= 32
    Fernet(first.master_key.encode())
    second = load_settings(env)
    assert (second.master_key, second.jwt_secret_key) == (first.master_key, first.jwt_secret_key)
    assert first.db_url == f"sqlite:///{tmp_path / 'data' / 'coordinator.db'}"
    assert any("SHUSAI_DB_URL is not set" in notice for notice in first.notices)


def test_development_still_rejects_an_invalid_master_key(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SHUSAI_MASTER_KEY"):
        load_settings({"SHUSAI_DATA_DIR": str(tmp_path), "SHUSAI_MASTER_KEY": "nope"})


def test_cors_origins_and_vapid_are_read(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "SHUSAI_DATA_DIR": str(tmp_path),
            "CORS_ORIGINS": "https://a.example, https://b.example",
            "VAPID_SUBJECT": "mailto:ops@example.com",
            "SHUSAI_SPA_DIST_PATH": "/srv/spa",
        }
    )
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.vapid_subject == "mailto:ops@example.com"
    assert settings.spa_dist_path == Path("/srv/spa")
