"""The team's live job events (`/api/tools/ws/jobs`, docs/live-updates.md) on a thread of their
own: each message goes to `on_event`, each change of the connection to `on_state`.

A lost connection is opened again after a pause that doubles each time (1 s up to a minute);
a refused sign-in (close code 1008, or 401/403 at the handshake) ends the listening, since only
signing in again helps. Qt-free: the app turns the callbacks into signals.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException
from websockets.sync.client import connect

from .errors import ApiError

__all__ = ["JobEvents", "SocketState", "socket_url"]

log = logging.getLogger(__name__)

PATH = "/api/tools/ws/jobs"
FIRST_PAUSE = 1.0
LONGEST_PAUSE = 60.0
_POLICY_VIOLATION = 1008
_RECV_SECONDS = 0.5  # how promptly `stop` is noticed


@dataclass(frozen=True)
class SocketState:
    """`live`: events arrive; otherwise `text` says why not and what happens next."""

    live: bool
    text: str
    signed_out: bool = False


def socket_url(server_url: str) -> str:
    """The WebSocket address of the team's job events on the coordinator at `server_url`."""
    scheme, _, rest = server_url.partition("://")
    return f"{'wss' if scheme == 'https' else 'ws'}://{rest.rstrip('/')}{PATH}"


class JobEvents:
    def __init__(
        self,
        server_url: str,
        token: Callable[[], str],
        on_event: Callable[[dict[str, Any]], None],
        on_state: Callable[[SocketState], None],
    ) -> None:
        self.url = socket_url(server_url)
        self._token = token
        self._on_event = on_event
        self._on_state = on_state
        self._stop = threading.Event()
        self._was_live = False
        self._thread = threading.Thread(target=self._listen, name="job-events", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, wait: float = 0.0) -> None:
        """Stop listening: nothing is delivered from now on. The thread ends within a second
        (or a connection attempt's timeout); `wait` > 0 waits that long for it."""
        self._stop.set()
        if wait > 0 and self._thread.is_alive():
            self._thread.join(wait)

    def running(self) -> bool:
        """Whether its thread still listens (or waits to listen again)."""
        return self._thread.is_alive()

    def _state(self, state: SocketState) -> None:
        if not self._stop.is_set():
            self._on_state(state)

    def _listen(self) -> None:
        pause = FIRST_PAUSE
        while not self._stop.is_set():
            self._was_live = False
            try:
                self._session()
            except _SignedOut as exc:
                self._state(SocketState(False, str(exc), signed_out=True))
                return
            except (OSError, WebSocketException, ApiError) as exc:
                if self._stop.is_set():
                    return
                if self._was_live:
                    pause = FIRST_PAUSE  # it was live: this loss starts the pauses over
                reason = str(exc) or type(exc).__name__
                log.info("job events: %s; trying again in %.0f s", reason, pause)
                lost = f"live updates lost ({reason}); reconnecting in {pause:.0f} s"
                self._state(SocketState(False, lost))
            if self._stop.wait(pause):
                return
            pause = min(pause * 2, LONGEST_PAUSE)

    def _session(self) -> None:
        """One connection, until it is lost or `stop`."""
        headers = {"Authorization": f"Bearer {self._token()}"}
        try:
            socket = connect(self.url, additional_headers=headers, open_timeout=10)
        except InvalidStatus as exc:
            if exc.response.status_code in (401, 403):
                raise _SignedOut(_SIGNED_OUT) from None
            raise
        with socket:
            while not self._stop.is_set():
                try:
                    message = socket.recv(timeout=_RECV_SECONDS)
                except TimeoutError:
                    continue
                except ConnectionClosed as exc:
                    if exc.rcvd is not None and exc.rcvd.code == _POLICY_VIOLATION:
                        raise _SignedOut(f"{_SIGNED_OUT} ({exc.rcvd.reason})") from None
                    raise
                if not self._was_live:  # the first message: the coordinator took the sign-in
                    self._was_live = True
                    self._state(SocketState(True, "live"))
                self._deliver(message)

    def _deliver(self, message: str | bytes) -> None:
        try:
            event = json.loads(message)
        except ValueError:
            log.warning("job events: a message that is not JSON was ignored")
            return
        if isinstance(event, dict) and not self._stop.is_set():
            self._on_event(event)


_SIGNED_OUT = "the coordinator no longer accepts your sign-in for live updates: sign in again"


class _SignedOut(Exception):
    pass
