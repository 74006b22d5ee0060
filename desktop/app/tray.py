"""The tray icon: the agent's state at a glance, its menu, and the desktop notifications.

Where the desktop has no tray host the icon is never shown; the app keeps its window as the
entry point instead (application.py), and notifications go to the window's status bar.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from .icons import state_icon
from .services.agent_control import AgentState, AgentStatus, describe

__all__ = ["Tray"]

_NOT_YET = "comes with the agent inside the app"


class Tray(QObject):
    open_requested = Signal()
    pause_requested = Signal()
    resume_requested = Signal()
    run_all_requested = Signal()
    logs_requested = Signal()
    quit_requested = Signal()

    def __init__(
        self,
        *,
        available: bool,
        can_pause: bool,
        can_run_all: bool,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.available = available
        self._can_pause = can_pause
        self.status = AgentStatus(AgentState.STOPPED)
        self.icon = QSystemTrayIcon(self)
        self.menu = QMenu()
        self.menu.setToolTipsVisible(True)
        self.open_action = self._action("&Open ShutterSense", self.open_requested)
        self.pause_action = self._action("&Pause the agent", self._pause_or_resume)
        self.run_all_action = self._action("&Run all collections now", self.run_all_requested)
        self.logs_action = self._action("Open &logs", self.logs_requested)
        self.menu.addSeparator()
        self.quit_action = self._action("&Quit ShutterSense", self.quit_requested)
        self.menu.insertSeparator(self.pause_action)
        self.menu.insertSeparator(self.logs_action)
        if not can_run_all:
            self.run_all_action.setEnabled(False)
            self.run_all_action.setToolTip(_NOT_YET)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.set_status(self.status)
        if available:
            self.icon.show()

    def _action(self, text: str, target: object) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(target)
        self.menu.addAction(action)
        return action

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_requested.emit()

    def _pause_or_resume(self) -> None:
        if self.status.state is AgentState.PAUSED:
            self.resume_requested.emit()
        else:
            self.pause_requested.emit()

    def tooltip(self) -> str:
        return self.icon.toolTip()

    def set_status(self, status: AgentStatus) -> None:
        self.status = status
        self.icon.setIcon(state_icon(status))
        self.icon.setToolTip(f"ShutterSense — {describe(status)}")
        paused = status.state is AgentState.PAUSED
        self.pause_action.setText("&Resume the agent" if paused else "&Pause the agent")
        self.pause_action.setEnabled(self._can_pause and status.state is not AgentState.STOPPED)
        self.pause_action.setToolTip("" if self._can_pause else _NOT_YET)

    def show_message(self, title: str, text: str, warning: bool = False) -> None:
        icon = (
            QSystemTrayIcon.MessageIcon.Warning
            if warning
            else QSystemTrayIcon.MessageIcon.Information
        )
        self.icon.showMessage(title, text, icon, 10_000)

    def remove(self) -> None:
        """Off the tray for good (the app quits); the menu, which has no parent, goes too."""
        self.icon.hide()
        self.menu.deleteLater()
