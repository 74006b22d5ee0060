"""Settings: server and account (and switching between solo mode and a team coordinator),
start at login, notifications per kind, log level, and the log viewer. Start at login is
switched on the worker pool (it writes a file)."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..logs import set_log_level
from ..services.autostart import Autostart
from ..services.news import NoticeKind
from ..settings import LOG_LEVELS, Account, AppSettings
from ..widgets.log_viewer import LogViewer
from ..widgets.panels import heading
from ..workers import Workers

__all__ = ["NOTICE_LABELS", "SettingsView"]

log = logging.getLogger(__name__)

NOTICE_LABELS = {
    NoticeKind.JOB_FAILED: "When a &job fails",
    NoticeKind.COLLECTION_WORSE: "When a collection gets &worse",
    NoticeKind.COORDINATOR_UNREACHABLE: "When the coordinator is &unreachable for minutes",
}


class SettingsView(QWidget):
    sign_out_requested = Signal()
    sign_in_requested = Signal()
    switch_requested = Signal()  # to solo mode, or to (another) team coordinator

    def __init__(
        self, settings: AppSettings, log_viewer: LogViewer, autostart: Autostart, workers: Workers
    ) -> None:
        super().__init__()
        self._settings = settings
        self._autostart = autostart
        self._workers = workers
        self._signed_in = False
        self.log_viewer = log_viewer

        self.mode = QLabel("—")
        self.server = QLabel("—")
        self.user = QLabel("—")
        self.agent = QLabel("—")
        for label in (self.mode, self.server, self.user, self.agent):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
        self.account_button = QPushButton()
        self.account_button.clicked.connect(self._account_clicked)
        account_box = QGroupBox("Server and account")
        account_form = QFormLayout(account_box)
        account_form.addRow("Mode:", self.mode)
        account_form.addRow("Coordinator:", self.server)
        account_form.addRow("Signed in as:", self.user)
        account_form.addRow("This computer:", self.agent)
        self.switch_button = QPushButton("S&witch mode…")
        self.switch_button.setToolTip(
            "Solo mode or a team coordinator: this computer registers there, its folders "
            "become collections there and the results it kept go there"
        )
        self.switch_button.clicked.connect(self.switch_requested)
        button_row = QHBoxLayout()
        button_row.addWidget(self.account_button)
        button_row.addWidget(self.switch_button)
        button_row.addStretch(1)
        account_form.addRow("", button_row)

        self.autostart = QCheckBox("Start ShutterSense when I &log in (in the tray)")
        self.autostart.toggled.connect(self._switch_autostart)
        self.autostart_note = QLabel()
        self.autostart_note.setWordWrap(True)
        self.level = QComboBox()
        self.level.addItems(LOG_LEVELS)
        self.level.setCurrentText(settings.log_level())
        self.level.currentTextChanged.connect(self._set_log_level)
        level_label = QLabel("Log &level:")
        level_label.setBuddy(self.level)
        level_row = QHBoxLayout()
        level_row.addWidget(level_label)
        level_row.addWidget(self.level)
        level_row.addStretch(1)
        app_box = QGroupBox("This app")
        app_layout = QVBoxLayout(app_box)
        app_layout.addWidget(self.autostart)
        app_layout.addWidget(self.autostart_note)
        app_layout.addLayout(level_row)

        notices_box = QGroupBox("Desktop notifications")
        notices_layout = QVBoxLayout(notices_box)
        self.notices: dict[NoticeKind, QCheckBox] = {}
        for kind, text in NOTICE_LABELS.items():
            box = QCheckBox(text)
            box.setChecked(settings.notify(kind))
            box.toggled.connect(lambda on, k=kind: self._settings.set_notify(k, on))
            notices_layout.addWidget(box)
            self.notices[kind] = box

        boxes = QGridLayout()
        boxes.addWidget(account_box, 0, 0, 2, 1)
        boxes.addWidget(app_box, 0, 1)
        boxes.addWidget(notices_box, 1, 1)
        boxes.setColumnStretch(0, 1)
        boxes.setColumnStretch(1, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(heading("Settings", scale=1.5))
        layout.addLayout(boxes)
        layout.addWidget(heading("Log", scale=1.1))
        layout.addWidget(log_viewer, 1)

    def show_account(self, account: Account | None, server_url: str, *, solo: bool) -> None:
        self.mode.setText("solo mode (this computer alone)" if solo else "team coordinator")
        self.server.setText(
            "ShutterSense's own, on this computer" if solo else server_url or "not connected"
        )
        self._signed_in = account is not None
        if account is None:
            self.user.setText("signed out")
            self.account_button.setText("Sign &in…")
        else:
            self.user.setText(f"{account.email} ({account.role})")
            self.account_button.setText("Sign &out")

    def show_agent(self, text: str) -> None:
        self.agent.setText(text)

    def read_autostart(self) -> None:
        autostart = self._autostart
        self._workers.run(autostart.is_enabled, self._show_autostart, owner=self)

    def _show_autostart(self, enabled: bool, problem: str = "") -> None:
        self.autostart.blockSignals(True)
        self.autostart.setChecked(enabled)
        self.autostart.blockSignals(False)
        path = self._autostart.path
        self.autostart_note.setText(
            problem or (f"Switched on, it writes {path}" if path is not None else "")
        )

    def _switch_autostart(self, on: bool) -> None:
        autostart = self._autostart

        def work() -> bool:
            (autostart.enable if on else autostart.disable)()
            return autostart.is_enabled()

        self._workers.run(
            work,
            self._show_autostart,
            lambda error: self._show_autostart(not on, str(error)),
            owner=self,
        )

    def _set_log_level(self, level: str) -> None:
        self._settings.set_log_level(level)
        set_log_level(level)
        log.info("log level set to %s", level)

    def _account_clicked(self) -> None:
        if self._signed_in:
            self.sign_out_requested.emit()
        else:
            self.sign_in_requested.emit()
