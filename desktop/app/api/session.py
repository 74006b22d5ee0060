"""Who the app speaks to the coordinator as: a server URL and the user's API token.

The token lives in the key store of the agent (desktop/agent/credentials.py: the OS keyring, or
its reported encrypted-file fallback), never in the settings file or the log. Reading the key
store can touch the disk or D-Bus, so it happens on first use, on a worker thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx

from shuttersense.desktop.agent.credentials import KeyStore

from .client import UserApiClient
from .errors import ServerFailed, ServerUnreachable, SignInRequired

__all__ = ["USER_TOKEN", "ApiSession"]

USER_TOKEN = "user_api_token"  # noqa: S105 (the key store entry's name, beside the agent key)


class ApiSession:
    def __init__(
        self,
        server_url: str,
        keys: Callable[[], KeyStore],
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.server_url = server_url
        self._keys = keys
        self._transport = transport
        self._lock = threading.Lock()
        self._token: str | None = None

    def _read_token(self) -> str:
        with self._lock:
            if self._token is None:
                self._token = self._keys().get(USER_TOKEN)
            if not self._token:
                self._token = None
                raise SignInRequired(
                    401, "no token", f"you are signed out of {self.server_url}: sign in again"
                )
            return self._token

    def client(self) -> UserApiClient:
        """A client speaking as the signed-in user; SignInRequired when there is no token."""
        return UserApiClient(self.server_url, self._read_token(), transport=self._transport)

    def token(self) -> str:
        """The user's API token (for the jobs WebSocket); SignInRequired when there is none."""
        return self._read_token()

    def forget(self) -> None:
        """Drop the token read earlier (after signing out or in again)."""
        with self._lock:
            self._token = None

    def sign_out(self, token_guid: str, email: str) -> str:
        """Revoke the app's token on the coordinator when it can be told, and forget it here
        whatever happens there; returns what became of it on the coordinator."""
        told = "the coordinator revoked the app's token"
        try:
            with self.client() as client:
                client.revoke_token(token_guid)
        except (ServerUnreachable, ServerFailed) as exc:
            told = (
                f"the coordinator could not be told ({exc}): revoke the token 'ShutterSense "
                f"desktop' of {email} there when it is back"
            )
        except SignInRequired:
            told = "the coordinator had already ended the sign-in"
        self._keys().delete(USER_TOKEN)
        self.forget()
        return told
