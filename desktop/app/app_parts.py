"""What `DesktopApp` is made of, as the parts mixed into it see it.

The app's steps live in mixins by what they steer (agent_steering, coordinator_link,
mode_switch, solo_start, quitting); each works on the same parts, which DesktopApp's
`__init__` makes. They are declared here once, so a mixin names the steps it takes and not
the parts it uses.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QTimer, SignalInstance

from shuttersense.desktop.agent.context import AgentContext

from .api.session import ApiSession
from .dialogs.first_run import FirstRunDialog
from .services.agent_control import AgentControl
from .services.news import NewsTracker
from .services.notifications import Notifier
from .services.solo import Solo
from .settings import AppSettings
from .tray import Tray
from .views.main_window import MainWindow
from .views.overview import OverviewView
from .views.settings_view import SettingsView
from .views.team_views import TeamViews
from .workers import Workers

__all__ = ["AppParts"]


class AppParts:
    """The parts of the app (made by DesktopApp) and the state its steps share."""

    context: AgentContext
    settings: AppSettings
    control: AgentControl
    solo: Solo | None
    session: ApiSession | None
    workers: Workers
    window: MainWindow
    overview: OverviewView
    settings_view: SettingsView
    team_views: TeamViews
    tray: Tray
    notifier: Notifier
    news: NewsTracker
    first_run: FirstRunDialog | None
    exit_code: int
    ready: SignalInstance
    finished: SignalInstance
    _refresh_timer: QTimer
    _agent_timer: QTimer
    _agent_calls: threading.Lock
    _refreshing: bool
    _quitting: bool
    _polling: bool
    _is_ready: bool
    _quit_when_ready: bool
    _told_lost: bool
