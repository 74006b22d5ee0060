"""One app per user: a second launch brings the running window to the front and exits.

The running app holds an exclusive lock on a file in its config folder for as long as it runs;
the kernel drops it when the process ends, however it ends. The app also listens on a local
socket named after this user and that folder: a later launch, finding the lock taken, connects
there, says `activate` and leaves. A socket file left by a killed app is removed by the next
one that gets the lock.
"""

from __future__ import annotations

import fcntl
import getpass
import hashlib
import logging
import os
from pathlib import Path

from PySide6.QtCore import QDir, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

__all__ = ["SingleInstance", "instance_key"]

log = logging.getLogger(__name__)

_ACTIVATE = b"activate\n"
_CONNECT_MS = 2000


def instance_key(config_folder: Path) -> str:
    """The socket name: per user and per config folder (so a test's HOME is its own world)."""
    digest = hashlib.sha256(f"{getpass.getuser()}\0{config_folder}".encode()).hexdigest()
    return f"shuttersense-desktop-{digest[:16]}"


class SingleInstance(QObject):
    """`claim()` before anything is shown; `activated` fires when a later launch asks."""

    activated = Signal()

    def __init__(self, key: str, lock_file: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self._lock_file = lock_file
        self._lock: int | None = None
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def claim(self) -> bool:
        """True when this is the only instance (now listening); False when another runs."""
        self._lock_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(self._lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            return False
        self._lock = descriptor
        stale = Path(QDir.tempPath()) / self.key  # where QLocalServer puts it on Unix
        if stale.exists():  # nobody else can be listening: an app that ended abruptly left it
            QLocalServer.removeServer(self.key)
            log.info("removed the stale socket %s of an app that ended abruptly", stale)
        if not self._server.listen(self.key):
            log.warning(
                "cannot listen on %s (%s): a second launch will not find this window",
                self.key,
                self._server.errorString(),
            )
        return True

    def activate_running(self) -> bool:
        """Ask the running instance to show its window; False when it did not answer."""
        socket = QLocalSocket()
        socket.connectToServer(self.key)
        if not socket.waitForConnected(_CONNECT_MS):
            return False
        socket.write(_ACTIVATE)
        done = socket.waitForBytesWritten(_CONNECT_MS)
        socket.disconnectFromServer()
        return done

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            connection = self._server.nextPendingConnection()
            connection.readyRead.connect(lambda c=connection: self._read(c))
            connection.disconnected.connect(connection.deleteLater)

    def _read(self, connection: QLocalSocket) -> None:
        if bytes(connection.readAll().data()).startswith(_ACTIVATE.strip()):
            log.info("a second launch asked for the window")
            self.activated.emit()

    def release(self) -> None:
        self._server.close()
        if self._lock is not None:
            os.close(self._lock)  # closing releases the lock
            self._lock = None
