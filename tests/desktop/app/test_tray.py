"""The tray: icon, tooltip and menu through the six states of the agent, the actions reaching
the agent runtime off the UI thread, and the window as the entry point without a tray host."""

from __future__ import annotations

import threading

import pytest
import shiboken6
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot

from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.app.application import NO_TRAY, DesktopApp
from shuttersense.desktop.app.icons import STATE_COLOURS
from shuttersense.desktop.app.services.agent_control import AgentState, AgentStatus
from shuttersense.desktop.app.settings import Account, AppSettings
from shuttersense.desktop.app.tray import Tray
from tests.desktop.app.app_factory import MakeApp
from tests.desktop.app.fakes import FakeAgentControl

ACCOUNT = Account("http://127.0.0.1:9", "ada@studio.example", "admin", "tok_x")
SIX = [
    (AgentStatus(AgentState.STOPPED), "ShutterSense — agent stopped"),
    (AgentStatus(AgentState.IDLE), "ShutterSense — connected, idle"),
    (AgentStatus(AgentState.WORKING, percent=42.4), "ShutterSense — working: 42 %"),
    (AgentStatus(AgentState.PAUSED), "ShutterSense — paused"),
    (
        AgentStatus(AgentState.OFFLINE, queued=3),
        "ShutterSense — offline: coordinator unreachable, 3 results queued for upload",
    ),
    (
        AgentStatus(AgentState.ERROR, reason="the folder /photos is missing"),
        "ShutterSense — error: the folder /photos is missing",
    ),
]


def disc_colour(tray: Tray) -> str:
    """The colour of the icon's disc, beside its glyph."""
    image: QImage = tray.icon.icon().pixmap(32, 32).toImage()
    return image.pixelColor(4, 16).name()


@pytest.mark.parametrize(("status", "tooltip"), SIX, ids=[s.state.value for s, _ in SIX])
def test_each_state_has_its_icon_and_tooltip(
    qtbot: QtBot, status: AgentStatus, tooltip: str
) -> None:
    tray = Tray(available=False, can_pause=True, can_run_all=True)
    tray.set_status(status)
    assert tray.tooltip() == tooltip
    assert disc_colour(tray) == STATE_COLOURS[status.state].name()
    paused = status.state is AgentState.PAUSED
    assert tray.pause_action.text() == ("&Resume the agent" if paused else "&Pause the agent")
    assert tray.pause_action.isEnabled() == (status.state is not AgentState.STOPPED)


def test_working_draws_its_progress(qtbot: QtBot) -> None:
    tray = Tray(available=False, can_pause=True, can_run_all=True)
    tray.set_status(AgentStatus(AgentState.WORKING, percent=10))
    little = tray.icon.icon().pixmap(64, 64).toImage()
    tray.set_status(AgentStatus(AgentState.WORKING, percent=90))
    much = tray.icon.icon().pixmap(64, 64).toImage()
    # Left of the centre, the arc is there at 90 % and not yet at 10 %.
    assert much.pixelColor(18, 32) != little.pixelColor(18, 32)


def test_menu_without_pause_says_why(qtbot: QtBot) -> None:
    tray = Tray(available=False, can_pause=False, can_run_all=False)
    tray.set_status(AgentStatus(AgentState.IDLE))
    texts = [action.text() for action in tray.menu.actions() if not action.isSeparator()]
    assert texts == [
        "&Open ShutterSense",
        "&Pause the agent",
        "&Run all collections now",
        "Open &logs",
        "&Quit ShutterSense",
    ]
    assert not tray.pause_action.isEnabled() and not tray.run_all_action.isEnabled()
    assert tray.pause_action.toolTip() == "comes with the agent inside the app"


def test_the_app_follows_the_agent_through_six_states(
    qtbot: QtBot, context: AgentContext, app_settings: AppSettings, make_app: MakeApp
) -> None:
    control = FakeAgentControl()
    app = make_app(control=control, agent_poll_ms=20)
    app.start()
    for status, tooltip in SIX:
        control.set(status)
        said = tooltip.split(" — ")[1].capitalize()
        qtbot.waitUntil(
            lambda t=tooltip, s=said: (
                (app.tray.tooltip(), app.overview.agent_state.text()) == (t, s)
            ),
            timeout=5000,
        )
    assert threading.main_thread().name not in control.threads  # asked off the UI thread


def test_tray_actions_reach_the_agent(
    qtbot: QtBot, context: AgentContext, app_settings: AppSettings, make_app: MakeApp
) -> None:
    control = FakeAgentControl()
    app = make_app(control=control, agent_poll_ms=20)
    app.start()
    qtbot.waitUntil(lambda: app.tray.status.state is AgentState.IDLE)
    app.tray.pause_action.trigger()
    qtbot.waitUntil(lambda: app.tray.status.state is AgentState.PAUSED)
    assert app.tray.pause_action.text() == "&Resume the agent"
    app.tray.pause_action.trigger()
    qtbot.waitUntil(lambda: app.tray.status.state is AgentState.IDLE)
    app.tray.run_all_action.trigger()
    qtbot.waitUntil(lambda: "run_all_now" in control.calls)
    assert control.calls == ["pause", "resume", "run_all_now"]
    assert threading.main_thread().name not in control.threads

    app.tray.logs_action.trigger()
    assert app.window.isVisible() and app.window.current_view() == "settings"

    with qtbot.waitSignal(app.finished, timeout=5000):
        app.tray.quit_action.trigger()
    assert control.calls[-1] == "stop"  # the agent is stopped cleanly before the app ends


def test_without_a_tray_host_the_window_is_the_entry_point(
    qtbot: QtBot, context: AgentContext, app_settings: AppSettings, make_app: MakeApp
) -> None:
    assert not QSystemTrayIcon.isSystemTrayAvailable()  # offscreen: no tray host
    app = make_app(tray=None)
    app.start(minimized=True)
    assert not app.tray.available and not app.tray.icon.isVisible()
    assert app.window.notice.isVisible() is False  # the window is not shown yet: first run
    assert app.window.notice.text.text() == NO_TRAY  # said once, where the window shows it
    assert app.first_run is not None and app.first_run.isVisible()


def started_without_tray(
    app_settings: AppSettings, make_app: MakeApp
) -> tuple[DesktopApp, FakeAgentControl]:
    """A signed-in app started --minimized where there is no tray: its window shows."""
    app_settings.set_account(ACCOUNT)
    control = FakeAgentControl()
    app = make_app(control=control, tray=False)
    app.start(minimized=True)
    return app, control


def test_closing_the_window_without_a_tray_quits(
    qtbot: QtBot, context: AgentContext, app_settings: AppSettings, make_app: MakeApp
) -> None:
    app, control = started_without_tray(app_settings, make_app)
    assert app.window.isVisible()  # --minimized, but there is no tray to start in
    qtbot.waitUntil(lambda: control.calls == ["start"])  # the agent starts with the app
    with qtbot.waitSignal(app.finished, timeout=5000):
        app.window.close()
    assert control.calls == ["start", "stop"]  # and stops with it


def test_an_app_closed_before_its_agent_started_leaves_no_agent_running(
    qtbot: QtBot, context: AgentContext, app_settings: AppSettings, make_app: MakeApp
) -> None:
    app, control = started_without_tray(app_settings, make_app)
    with qtbot.waitSignal(app.finished, timeout=5000):
        app.window.close()  # at once: the start may not have run on its thread yet
    assert control.calls in (["start", "stop"], ["stop"])  # never a start after the stop


def test_closing_the_window_with_a_tray_keeps_running(
    qtbot: QtBot, context: AgentContext, app_settings: AppSettings, make_app: MakeApp
) -> None:
    app_settings.set_account(ACCOUNT)
    control = FakeAgentControl()
    app = make_app(control=control, tray=True)
    app.start(minimized=True)
    assert not app.window.isVisible()  # started in the tray
    app.bring_to_front()
    assert app.window.isVisible()
    with qtbot.assertNotEmitted(app.finished):
        app.window.close()
    assert not app.window.isVisible() and "stop" not in control.calls


def test_an_agent_status_arriving_after_the_overview_is_gone_is_dropped(
    qtbot: QtBot, context: AgentContext, app_settings: AppSettings, make_app: MakeApp
) -> None:
    """The agent's status is read off the UI thread; if the Overview it is shown in was deleted
    meanwhile (the app closing), it is not written there."""
    control = FakeAgentControl()
    app = make_app(control=control)
    app.start()
    qtbot.waitUntil(lambda: not app.workers.busy())
    shiboken6.delete(app.overview)
    app.poll_agent()
    qtbot.waitUntil(lambda: not app.workers.busy())
