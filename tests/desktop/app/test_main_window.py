"""The main window: navigation by click and keyboard, size, place and last view remembered,
the system palette followed (light or dark), high-DPI screens drawn sharp."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from shuttersense.desktop.app.settings import AppSettings
from shuttersense.desktop.app.views.main_window import VIEWS, MainWindow
from shuttersense.desktop.app.views.overview import OverviewView


def window(qtbot: QtBot, app_settings: AppSettings, **views: QWidget) -> MainWindow:
    """The window with stand-ins for the views (theirs are tested elsewhere), shown and active
    (shortcuts work in the active window)."""
    stand_ins: dict[str, QWidget] = {name: QLabel(f"the {name}") for name, _ in VIEWS}
    made = MainWindow(app_settings, {**stand_ins, **views})
    qtbot.addWidget(made)
    with qtbot.waitActive(made):
        made.show()
        made.activateWindow()
    return made


def form() -> QWidget:
    """A view with a field to type in."""
    widget = QWidget()
    QVBoxLayout(widget).addWidget(QLineEdit())
    return widget


def test_every_view_by_mouse_and_by_keyboard(qtbot: QtBot, app_settings: AppSettings) -> None:
    shown = window(qtbot, app_settings)
    assert [shown.nav.item(i).text() for i in range(shown.nav.count())] == [
        "Overview",
        "Collections",
        "Pipelines",
        "Jobs",
        "Agents",
        "Settings",
    ]
    assert shown.current_view() == "overview"
    for number, (name, _) in enumerate(VIEWS, start=1):
        qtbot.keyClick(shown, Qt.Key.Key_0 + number, Qt.KeyboardModifier.ControlModifier)
        assert shown.current_view() == name
        assert shown.nav.currentRow() == number - 1
    shown.nav.setCurrentRow(2)  # a click in the list does the same
    assert shown.current_view() == "pipelines"
    assert shown.stack.currentWidget() is shown.views["pipelines"]


def test_the_keyboard_moves_from_the_list_into_the_view(
    qtbot: QtBot, app_settings: AppSettings
) -> None:
    shown = window(qtbot, app_settings, settings=form())
    shown.show_view("settings")
    shown.nav.setFocus()
    qtbot.keyClick(shown.nav, Qt.Key.Key_Up)  # arrows walk the list
    assert shown.current_view() == "agents"
    qtbot.keyClick(shown.nav, Qt.Key.Key_Down)
    qtbot.keyClick(shown.nav, Qt.Key.Key_Tab)  # Tab goes on into the view
    focused = QApplication.focusWidget()
    assert focused is not None and shown.views["settings"].isAncestorOf(focused)


def test_size_place_and_last_view_are_remembered(qtbot: QtBot, app_settings: AppSettings) -> None:
    first = window(qtbot, app_settings)
    first.resize(781, 563)  # the offscreen screen is 800 x 600
    first.show_view("settings")
    first.close()  # no tray in this test: closing saves and asks to quit
    again = window(qtbot, AppSettings(app_settings.path))
    assert again.size() == QSize(781, 563)
    assert again.current_view() == "settings"


def _lightness(widget: QWidget) -> float:
    image = widget.grab().toImage()
    step = 7
    values = [
        image.pixelColor(x, y).lightnessF()
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    ]
    return sum(values) / len(values)


def test_the_system_palette_is_followed(
    qtbot: QtBot, app_settings: AppSettings, dark_palette: QPalette
) -> None:
    shown = window(qtbot, app_settings, overview=OverviewView())
    shown.resize(1000, 700)
    assert _lightness(shown) < 0.3  # dark, because the palette is: no colour of our own


def test_high_dpi_screens_get_sharp_icons() -> None:
    script = (
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from shuttersense.desktop.app.views.overview import OverviewView\n"
        "from shuttersense.desktop.app.services.agent_control import AgentState, AgentStatus\n"
        "view = OverviewView(); view.resize(900, 600); view.show()\n"
        "view.show_agent(AgentStatus(AgentState.IDLE))\n"
        "icon = view.agent_icon.pixmap()\n"
        "shot = view.grab()\n"
        "print(app.devicePixelRatio(), icon.devicePixelRatio(), icon.width(),"
        " shot.devicePixelRatio(), shot.width())\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR="2")
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    ratio, icon_ratio, icon_width, shot_ratio, shot_width = done.stdout.split()
    assert (float(ratio), float(icon_ratio), int(icon_width)) == (2.0, 2.0, 64)
    assert (float(shot_ratio), int(shot_width)) == (2.0, 1800)
