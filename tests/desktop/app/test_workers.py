"""Work leaves the UI thread and its value comes back to it; failures too; nothing reaches a
window that is gone."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from shuttersense.desktop.app.api import ServerUnreachable
from shuttersense.desktop.app.workers import Workers


def test_values_come_back_on_the_ui_thread(qtbot: QtBot) -> None:
    workers = Workers()
    seen: dict[str, object] = {}

    def work() -> str:
        seen["work"] = threading.current_thread() is threading.main_thread()
        return "done"

    def done(value: str) -> None:
        seen["done"] = (value, threading.current_thread() is threading.main_thread())

    workers.run(work, done)
    qtbot.waitUntil(lambda: "done" in seen)
    assert seen == {"work": False, "done": ("done", True)}
    assert not workers.busy()


def test_failures_come_back_too(qtbot: QtBot) -> None:
    workers = Workers()
    errors: list[Exception] = []

    def fails() -> None:
        raise ServerUnreachable("cannot reach http://x; check the address")

    workers.run(fails, lambda _: errors.append(AssertionError("no value expected")), errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert [str(error) for error in errors] == ["cannot reach http://x; check the address"]


def test_a_closed_window_gets_nothing(qtbot: QtBot) -> None:
    workers = Workers()
    owner = QWidget()
    release = threading.Event()
    got: list[object] = []
    workers.run(lambda: release.wait(5), got.append, got.append, owner=owner)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(owner))
    release.set()
    qtbot.waitUntil(lambda: not workers.busy())
    assert got == []
    assert workers.shut_down(1000)


class _Label(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.shown: list[object] = []

    def show_value(self, value: object) -> None:
        self.shown.append(value)


def test_a_method_of_a_deleted_widget_is_not_called(qtbot: QtBot) -> None:
    workers = Workers()
    label = _Label()
    shown = label.shown
    release = threading.Event()
    workers.run(lambda: release.wait(5), label.show_value)
    label.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(label))
    release.set()
    qtbot.waitUntil(lambda: not workers.busy())
    assert shown == []
    assert workers.shut_down(1000)


def test_nothing_is_delivered_after_shut_down(qtbot: QtBot) -> None:
    workers = Workers()
    release = threading.Event()
    got: list[object] = []
    workers.run(lambda: release.wait(5), got.append, got.append)
    assert not workers.shut_down(0)  # still running
    release.set()
    assert workers.shut_down(5000)
    qtbot.waitUntil(lambda: not workers.busy())
    assert got == []  # the app quits: no callback touches what it is taking down


def test_nothing_runs_after_shut_down(qtbot: QtBot) -> None:
    workers = Workers()
    assert workers.shut_down(1000)
    ran = threading.Event()
    workers.run(ran.set, print)
    assert not workers.busy()
    assert workers.shut_down(1000)
    assert not ran.is_set()
