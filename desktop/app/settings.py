"""The app's own settings (QSettings, an ini file in the agent's config folder): window size and
place, the last view, who is signed in where (never the token), notifications, log level.

The agent's identity and roots stay in its config.json (desktop/agent/agent_config.py), the
secrets in its key store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from .services.news import NoticeKind

__all__ = ["FILE_NAME", "LOG_LEVELS", "Account", "AppSettings"]

FILE_NAME = "desktop.ini"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True)
class Account:
    """Who is signed in where; the API token itself is in the key store."""

    server_url: str
    email: str
    role: str
    token_guid: str


class AppSettings:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._q = QSettings(str(path), QSettings.Format.IniFormat)

    def sync(self) -> None:
        self._q.sync()

    # -- window --------------------------------------------------------------------------------

    def geometry(self) -> QByteArray | None:
        value = self._q.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_geometry(self, value: QByteArray) -> None:
        self._q.setValue("window/geometry", value)

    def last_view(self) -> str:
        return str(self._q.value("window/view", "overview"))

    def set_last_view(self, name: str) -> None:
        self._q.setValue("window/view", name)

    def view_state(self, key: str) -> QByteArray | None:
        """What a view kept of itself under `key` (a table's sort, a splitter)."""
        value = self._q.value(f"views/{key}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_view_state(self, key: str, value: QByteArray) -> None:
        self._q.setValue(f"views/{key}", value)

    # -- account -------------------------------------------------------------------------------

    def account(self) -> Account | None:
        """The signed-in account; None before the first sign-in and after signing out."""
        server = str(self._q.value("account/server_url", ""))
        token_guid = str(self._q.value("account/token_guid", ""))
        if not server or not token_guid:
            return None
        return Account(
            server_url=server,
            email=str(self._q.value("account/email", "")),
            role=str(self._q.value("account/role", "member")),
            token_guid=token_guid,
        )

    def set_account(self, account: Account) -> None:
        self._q.setValue("account/server_url", account.server_url)
        self._q.setValue("account/email", account.email)
        self._q.setValue("account/role", account.role)
        self._q.setValue("account/token_guid", account.token_guid)

    def signed_out(self) -> None:
        """Forget the user; the server URL stays, for signing in again."""
        self._q.remove("account/email")
        self._q.remove("account/role")
        self._q.remove("account/token_guid")

    def server_url(self) -> str:
        return str(self._q.value("account/server_url", ""))

    def solo(self) -> bool:
        """Solo mode: the app runs its own coordinator (desktop/app/services/solo.py)."""
        return bool(self._q.value("account/solo", False, type=bool))

    def set_solo(self, on: bool) -> None:
        self._q.setValue("account/solo", on)

    # -- notifications and logging ---------------------------------------------------------------

    def notify(self, kind: NoticeKind) -> bool:
        return bool(self._q.value(f"notifications/{kind.value}", True, type=bool))

    def set_notify(self, kind: NoticeKind, on: bool) -> None:
        self._q.setValue(f"notifications/{kind.value}", on)

    def log_level(self) -> str:
        level = str(self._q.value("logging/level", "INFO")).upper()
        return level if level in LOG_LEVELS else "INFO"

    def set_log_level(self, level: str) -> None:
        if level not in LOG_LEVELS:
            raise ValueError(f"log level must be one of {', '.join(LOG_LEVELS)}, not {level!r}")
        self._q.setValue("logging/level", level)
