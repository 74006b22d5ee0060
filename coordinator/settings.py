"""One typed settings object, read from the environment the deployment guide documents.

Production (`SHUSAI_ENV=production`) refuses weak configuration at start-up with one error that
names every offending variable. Development generates missing secrets once into the data folder
(mode 0600) and reuses them, and falls back to a SQLite database there when `SHUSAI_DB_URL` is
unset.
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import platformdirs
from cryptography.fernet import Fernet

from .errors import SettingsError
from .vapid import parse_vapid

__all__ = ["APP_NAME", "MIN_SECRET_LENGTH", "Settings", "load_settings"]

APP_NAME = "shuttersense-coordinator"
MIN_SECRET_LENGTH = 32
_SECRETS_FILE = "secrets.json"
_SECRET_NAMES = ("SHUSAI_MASTER_KEY", "SESSION_SECRET_KEY", "JWT_SECRET_KEY")
_VAPID_NAMES = ("VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT")
_SAME_SITE = ("lax", "strict", "none")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_T = TypeVar("_T")


@dataclass(frozen=True)
class Settings:
    env: str
    db_url: str
    data_dir: Path
    master_key: str
    session_secret_key: str
    jwt_secret_key: str
    session_https_only: bool
    session_same_site: str
    cors_origins: tuple[str, ...]
    log_level: str
    log_dir: Path
    spa_dist_path: Path | None
    vapid_public_key: str | None
    vapid_private_key: str | None
    vapid_subject: str | None
    notices: tuple[str, ...] = ()  # said once logging is set up
    metrics_token: str | None = None  # when set, /metrics asks for it as a bearer token
    # Peers whose X-Forwarded-For is believed (coordinator/api/client_address.py); none: no one.
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")

    def __repr__(self) -> str:  # never print secrets
        return f"Settings(env={self.env!r}, db={_redacted_url(self.db_url)!r})"


def _redacted_url(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{host}"


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingsError(name, f"expected true or false, got {raw!r}")


def normalise_db_url(url: str) -> str:
    """`postgresql://…` (the guide's form) uses the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _valid_fernet(key: str) -> bool:
    try:
        Fernet(key.encode())
    except (ValueError, TypeError):
        return False
    return True


def _dev_secrets(data_dir: Path, notices: list[str]) -> dict[str, str]:
    """Secrets generated once for development and kept in the data folder, readable by us only."""
    path = data_dir / _SECRETS_FILE
    if path.exists():
        notices.append(f"development secrets read from {path}")
        return json.loads(path.read_text(encoding="utf-8"))
    data_dir.mkdir(parents=True, exist_ok=True)
    generated = {
        "SHUSAI_MASTER_KEY": Fernet.generate_key().decode(),
        "SESSION_SECRET_KEY": secrets.token_urlsafe(32),
        "JWT_SECRET_KEY": secrets.token_urlsafe(32),
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(generated, handle)
    notices.append(f"development secrets generated and stored in {path} (mode 0600)")
    return generated


def _secret(env: Mapping[str, str], name: str, production: bool, stored: dict[str, str]) -> str:
    value = env.get(name, "").strip()
    if production:
        if not value:
            raise SettingsError(name, "is required in production (see generate-secrets)")
        if name == "SHUSAI_MASTER_KEY":
            if not _valid_fernet(value):
                raise SettingsError(name, "is not a valid Fernet key (see generate-secrets)")
        elif len(value) < MIN_SECRET_LENGTH:
            raise SettingsError(
                name, f"must be at least {MIN_SECRET_LENGTH} characters, not {len(value)}"
            )
        return value
    if value:
        if name == "SHUSAI_MASTER_KEY" and not _valid_fernet(value):
            raise SettingsError(name, "is not a valid Fernet key (see generate-secrets)")
        return value
    return stored[name]


def _networks(
    env: Mapping[str, str], name: str
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Comma-separated addresses or networks (`127.0.0.1, 10.0.0.0/8, ::1`)."""
    found = []
    for item in filter(None, (part.strip() for part in env.get(name, "").split(","))):
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise SettingsError(name, f"{item!r} is not an address or network") from None
    return tuple(found)


class _Problems:
    """The SettingsErrors met while reading, so that one error can list them all."""

    def __init__(self) -> None:
        self.found: list[SettingsError] = []

    def read(self, fallback: _T, reader: Callable[..., _T], *args: Any) -> _T:
        """`reader(*args)`, or `fallback` when it raises a SettingsError (kept for later)."""
        try:
            return reader(*args)
        except SettingsError as exc:
            self.found.append(exc)
            return fallback


def _db_url(env: Mapping[str, str], production: bool, data_dir: Path, notices: list[str]) -> str:
    db_url = env.get("SHUSAI_DB_URL", "").strip()
    if db_url:
        return normalise_db_url(db_url)
    if production:
        raise SettingsError("SHUSAI_DB_URL", "is required in production (PostgreSQL URL)")
    data_dir.mkdir(parents=True, exist_ok=True)
    db_url = f"sqlite:///{data_dir / 'coordinator.db'}"
    notices.append(f"SHUSAI_DB_URL is not set: using the embedded SQLite database {db_url}")
    return db_url


def _same_site(env: Mapping[str, str]) -> str:
    same_site = env.get("SESSION_SAME_SITE", "lax").strip().lower()
    if same_site not in _SAME_SITE:
        raise SettingsError("SESSION_SAME_SITE", f"must be one of {', '.join(_SAME_SITE)}")
    return same_site


def _log_level(env: Mapping[str, str], production: bool) -> str:
    log_level = env.get("SHUSAI_LOG_LEVEL", "WARNING" if production else "INFO").strip().upper()
    if log_level not in _LOG_LEVELS:
        raise SettingsError("SHUSAI_LOG_LEVEL", f"must be one of {', '.join(_LOG_LEVELS)}")
    return log_level


def _vapid(env: Mapping[str, str]) -> None:
    """The three VAPID variables go together and must make a valid key pair (vapid.py)."""
    parse_vapid(*(env.get(name) or None for name in _VAPID_NAMES))


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and check the settings; one SettingsError naming every offending variable."""
    env = os.environ if environ is None else environ
    mode = env.get("SHUSAI_ENV", "development").strip().lower() or "development"
    production = mode == "production"
    data_dir = Path(env.get("SHUSAI_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))
    notices: list[str] = []
    problems = _Problems()
    db_url = problems.read("", _db_url, env, production, data_dir, notices)
    missing = [name for name in _SECRET_NAMES if not env.get(name)]
    stored = _dev_secrets(data_dir, notices) if missing and not production else {}
    master_key, session_secret_key, jwt_secret_key = (
        problems.read("", _secret, env, name, production, stored) for name in _SECRET_NAMES
    )
    https_only = problems.read(production, _flag, env, "SESSION_HTTPS_ONLY", production)
    same_site = problems.read("lax", _same_site, env)
    log_level = problems.read("INFO", _log_level, env, production)
    trusted_proxies = problems.read((), _networks, env, "SHUSAI_TRUSTED_PROXIES")
    problems.read(None, _vapid, env)
    if problems.found:
        raise SettingsError.joined(problems.found)
    spa = env.get("SHUSAI_SPA_DIST_PATH", "").strip()
    return Settings(
        env=mode,
        db_url=db_url,
        data_dir=data_dir,
        master_key=master_key,
        session_secret_key=session_secret_key,
        jwt_secret_key=jwt_secret_key,
        session_https_only=https_only,
        session_same_site=same_site,
        cors_origins=tuple(o.strip() for o in env.get("CORS_ORIGINS", "").split(",") if o.strip()),
        log_level=log_level,
        log_dir=Path(env.get("SHUSAI_LOG_DIR") or platformdirs.user_log_dir(APP_NAME)),
        spa_dist_path=Path(spa) if spa else None,
        vapid_public_key=env.get("VAPID_PUBLIC_KEY") or None,
        vapid_private_key=env.get("VAPID_PRIVATE_KEY") or None,
        vapid_subject=env.get("VAPID_SUBJECT") or None,
        notices=tuple(notices),
        metrics_token=env.get("SHUSAI_METRICS_TOKEN", "").strip() or None,
        trusted_proxies=trusted_proxies,
    )
