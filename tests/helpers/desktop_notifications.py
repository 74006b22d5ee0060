"""A desktop's notification server for a real browser: `org.freedesktop.Notifications` on a
private D-Bus session bus, as a Linux desktop runs it.

Chromium started with DBUS_SESSION_BUS_ADDRESS set to `address` shows its notifications here
(the `Notify` calls are recorded), and `click` answers as a user clicking one would
(`ActionInvoked` with the default action), so the service worker gets a real, trusted
`notificationclick` event and may focus or open windows.
"""

from __future__ import annotations

import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from jeepney import DBusAddress, HeaderFields, Message, MessageType, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection

__all__ = ["Notification", "NotificationServer", "notification_server"]

_NAME = "org.freedesktop.Notifications"
_PATH = "/org/freedesktop/Notifications"
_PRIMARY_OWNER = 1
# A bus of its own with nothing to start on demand (a session bus would launch the desktop's
# accessibility services for Chromium, and leave them running).
_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={directory}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@dataclass
class Notification:
    """One notification as the desktop shows it: Chromium puts the site's host first in the
    body ("127.0.0.1:8000\\n\\nthe body")."""

    id: int
    title: str
    body: str
    closed: bool = False


class NotificationServer:
    """The server's state; made by `notification_server`."""

    def __init__(self, address: str) -> None:
        self.address = address
        self._shown: list[Notification] = []
        self._lock = threading.Lock()
        self._clicks: queue.Queue[int] = queue.Queue()
        self.ready = threading.Event()

    def shown(self) -> list[Notification]:
        """Every notification shown so far, oldest first (closed ones included, marked)."""
        with self._lock:
            return list(self._shown)

    def wait_for(self, count: int, seconds: float = 30) -> list[Notification]:
        """The notifications once at least `count` were shown."""
        deadline = time.monotonic() + seconds
        while len(found := self.shown()) < count:
            assert time.monotonic() < deadline, f"{len(found)} of {count} notifications shown"
            time.sleep(0.05)
        return found

    def click(self, notification: Notification) -> None:
        """Click the notification, as a user would."""
        self._clicks.put(notification.id)

    def _answer(self, connection: DBusConnection, call: Message) -> None:
        member = call.header.fields.get(HeaderFields.member)
        if member == "GetCapabilities":
            connection.send(new_method_return(call, "as", (["actions", "body"],)))
        elif member == "GetServerInformation":
            info = ("shuttersense-tests", "ShutterSense", "1.0", "1.2")
            connection.send(new_method_return(call, "ssss", info))
        elif member == "Notify":
            connection.send(new_method_return(call, "u", (self._notify(*call.body),)))
        elif member == "CloseNotification":
            self._close(call.body[0])
            connection.send(new_method_return(call))
        else:
            connection.send(new_method_return(call))

    def _notify(
        self, _app: str, replaces: int, _icon: str, title: str, body: str, *_: object
    ) -> int:
        with self._lock:
            for shown in self._shown:
                if replaces and shown.id == replaces:
                    shown.title, shown.body, shown.closed = title, body, False
                    return replaces
            self._shown.append(Notification(len(self._shown) + 1, title, body))
            return len(self._shown)

    def _close(self, number: int) -> None:
        with self._lock:
            for shown in self._shown:
                if shown.id == number:
                    shown.closed = True

    def serve(self, stop: threading.Event) -> None:
        """Answer the browser until `stop` is set; clicks go out from this thread too, so the
        connection has one user."""
        with open_dbus_connection(self.address) as connection:
            owner = connection.send_and_get_reply(message_bus.RequestName(_NAME))
            if owner.body[0] != _PRIMARY_OWNER:
                raise RuntimeError(f"could not own {_NAME} on {self.address}")
            self.ready.set()
            emitter = DBusAddress(_PATH, interface=_NAME)
            while not stop.is_set():
                while not self._clicks.empty():
                    signal = new_signal(
                        emitter, "ActionInvoked", "us", (self._clicks.get(), "default")
                    )
                    connection.send(signal)
                try:
                    message = connection.receive(timeout=0.05)
                except TimeoutError:
                    continue
                if message.header.message_type == MessageType.method_call:
                    self._answer(connection, message)


@contextmanager
def notification_server(directory: Path) -> Iterator[NotificationServer]:
    """A private bus (its socket in `directory`) with the notification server on it, for the
    block's duration."""
    daemon_path = shutil.which("dbus-daemon")
    if daemon_path is None:
        raise RuntimeError("the notification tests need dbus-daemon (apt-get install dbus)")
    config = directory / "bus.conf"
    config.write_text(_BUS_CONFIG.format(directory=directory))
    command = [daemon_path, f"--config-file={config}", "--nofork", "--print-address=1"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as daemon:
        try:
            assert daemon.stdout is not None
            server = NotificationServer(daemon.stdout.readline().strip())
            stop = threading.Event()
            thread = threading.Thread(target=server.serve, args=(stop,), daemon=True)
            thread.start()
            if not server.ready.wait(timeout=10):
                raise RuntimeError("the test notification server did not start")
            try:
                yield server
            finally:
                stop.set()
                thread.join(timeout=10)
        finally:
            daemon.terminate()
