"""An httpx transport whose requests in flight another thread can cut short.

A claim waits up to 30 s for a job inside one blocked socket read; closing a socket does not
wake a read blocked on it in another thread, shutting it down does. So the transport keeps the
sockets it opened and `abort()` shuts down every one still open: the read in flight fails at
once (httpx.ReadError), idle pooled connections are seen closed and replaced on their next use.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import weakref
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

__all__ = ["AbortableTransport"]


class _TrackingBackend(httpcore.NetworkBackend):
    """The default backend, remembering the sockets of the streams it opens."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._lock = threading.Lock()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        sock = stream.get_extra_info("socket")
        if isinstance(sock, socket.socket):
            with self._lock:
                self._sockets.add(sock)
        return stream

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return self._inner.connect_unix_socket(path, timeout, socket_options)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)

    def shut_down_all(self) -> None:
        with self._lock:
            open_now = list(self._sockets)
        for sock in open_now:
            with contextlib.suppress(OSError):  # closed already
                sock.shutdown(socket.SHUT_RDWR)


class AbortableTransport(httpx.HTTPTransport):
    """httpx's own transport (same pool, TLS and limits) plus `abort()`."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # httpx does not take a network backend as an option: wrap the one its pool was given.
        self._tracking = _TrackingBackend(self._pool._network_backend)
        self._pool._network_backend = self._tracking

    def abort(self) -> None:
        """Fail every request in flight now; later requests open new connections."""
        self._tracking.shut_down_all()
