"""Agents: the team's agents with their state and last heartbeat; team admins rename and revoke
them and make registration tokens (shown once, copied to the clipboard)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..api import UserApiClient
from ..api.models import Agent, RegistrationToken, RegistrationTokenInfo
from ..models.agents_model import agents_model, tokens_model
from ..models.overview_models import when
from ..settings import AppSettings
from ..widgets.panels import TablePane, heading
from ..widgets.remembered import remember_header, remember_splitter
from ..workers import Workers
from .api_view import ApiView

__all__ = ["ADMINS_ONLY", "AgentsView"]

ADMINS_ONLY = "Only team admins rename and revoke agents and make registration tokens."


class AgentsView(ApiView):
    def __init__(self, workers: Workers, settings: AppSettings) -> None:
        super().__init__(workers)
        self.agent_names: dict[str, str] = {}
        refresh = QPushButton("Re&fresh")
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.setToolTip("Load again from the coordinator (F5)")
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(heading("Agents", scale=1.5))
        top.addStretch(1)
        top.addWidget(refresh)

        self.model = agents_model()
        self.list = TablePane(
            "The team's agents",
            self.model,
            "No agent yet. Register a computer (shuttersense-agent register, or this app's "
            "set-up) with a registration token.",
            stretch_column=0,
        )
        table = self.list.table
        table.setAccessibleName("Agents")
        table.setSortingEnabled(True)
        table.selectionModel().currentRowChanged.connect(lambda *_: self._selected_changed())
        remember_header(settings, "agents/list", table.horizontalHeader())
        self.name = QLineEdit()
        self.name.setAccessibleName("New name of the selected agent")
        self.name.setMaxLength(200)
        self.name.returnPressed.connect(self.rename_selected)
        name_label = QLabel("&Name:")
        name_label.setBuddy(self.name)
        self.rename = QPushButton("&Rename")
        self.rename.clicked.connect(self.rename_selected)
        self.revoke = QPushButton("Re&voke…")
        self.revoke.setToolTip("Its key stops working now; the jobs it runs are queued again")
        self.revoke.clicked.connect(self.ask_revoke)
        self.confirm: QMessageBox | None = None
        actions = QHBoxLayout()
        for widget in (name_label, self.name, self.rename, self.revoke):
            actions.addWidget(widget)
        agents = QWidget()
        agents_layout = QVBoxLayout(agents)
        agents_layout.setContentsMargins(0, 0, 0, 0)
        agents_layout.addWidget(self.list, 1)
        agents_layout.addLayout(actions)

        self.admins_only = QLabel(ADMINS_ONLY)
        self.create = QPushButton("Create a registration &token")
        self.create.clicked.connect(self.create_token)
        self.token = QLineEdit()
        self.token.setReadOnly(True)
        self.token.setAccessibleName("The new registration token")
        self.token.setPlaceholderText("A new token appears here, once")
        self.copy = QPushButton("&Copy")
        self.copy.setEnabled(False)
        self.copy.clicked.connect(self.copy_token)
        self.token_note = QLabel()
        self.token_note.setWordWrap(True)
        token_row = QHBoxLayout()
        token_row.addWidget(self.create)
        token_row.addWidget(self.token, 1)
        token_row.addWidget(self.copy)
        self.tokens_model = tokens_model(self.agent_names)
        self.tokens = TablePane(
            "Registration tokens", self.tokens_model, "No registration token yet.", stretch_column=3
        )
        self.tokens.table.setSortingEnabled(True)
        remember_header(settings, "agents/tokens", self.tokens.table.horizontalHeader())
        self.tokens_box = QGroupBox("Register another computer")
        tokens_layout = QVBoxLayout(self.tokens_box)
        tokens_layout.addWidget(self.admins_only)
        tokens_layout.addLayout(token_row)
        tokens_layout.addWidget(self.token_note)
        tokens_layout.addWidget(self.tokens, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(agents)
        self.splitter.addWidget(self.tokens_box)
        self.splitter.setSizes([3000, 2000])
        self.splitter.setChildrenCollapsible(False)
        remember_splitter(settings, "agents/splitter", self.splitter)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(self.splitter, 1)
        self._selected_changed()

    def refresh(self) -> None:
        admin = self.is_admin()

        def load(client: UserApiClient) -> tuple[list[Agent], list[RegistrationTokenInfo]]:
            return client.agents(), client.registration_tokens() if admin else []

        self.call(load, self._loaded)

    def _loaded(self, loaded: tuple[list[Agent], list[RegistrationTokenInfo]]) -> None:
        agents, tokens = loaded
        keep = self.selected()
        self.agent_names.clear()
        self.agent_names.update({agent.guid: agent.name for agent in agents})
        self.model.set_rows(agents)
        self.tokens_model.set_rows(tokens)
        if keep is not None:
            self.select(keep.guid)
        self.admins_only.setVisible(not self.is_admin())
        self.notice.hide()
        self._selected_changed()

    def select(self, guid: str) -> None:
        for index, agent in enumerate(self.model.rows()):
            if agent.guid == guid:
                self.list.table.selectRow(index)
                return

    def selected(self) -> Agent | None:
        index = self.list.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def _selected_changed(self) -> None:
        agent = self.selected()
        admin = self.is_admin()
        can_change = admin and agent is not None and not agent.revoked
        for widget in (self.name, self.rename, self.revoke):
            widget.setEnabled(can_change)
            widget.setToolTip("" if admin else ADMINS_ONLY)
        self.create.setEnabled(admin)
        self.name.setText(agent.name if agent is not None else "")

    def rename_selected(self) -> None:
        agent, name = self.selected(), self.name.text().strip()
        if agent is None or not name or name == agent.name:
            return
        guid = agent.guid
        self.call(lambda client: client.rename_agent(guid, name), self._changed)

    def ask_revoke(self) -> None:
        """Ask first (a window-modal question, so the event loop goes on)."""
        agent = self.selected()
        if agent is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Revoke agent",
            f"Revoke {agent.name}? Its key stops working at once and the jobs it runs are "
            "queued again. The computer must be registered again to come back.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        revoke = box.addButton("Revoke", QMessageBox.ButtonRole.DestructiveRole)
        guid = agent.guid
        box.buttonClicked.connect(lambda clicked: clicked == revoke and self.revoke_agent(guid))
        self.confirm = box
        box.open()

    def revoke_agent(self, guid: str) -> None:
        self.call(lambda client: client.revoke_agent(guid), self._changed)

    def _changed(self, agent: Agent) -> None:
        for index, row in enumerate(self.model.rows()):
            if row.guid == agent.guid:
                self.model.replace(index, agent)
        self.agent_names[agent.guid] = agent.name
        self._selected_changed()

    def create_token(self) -> None:
        self.call(lambda client: client.create_registration_token(), self._token_made)

    def _token_made(self, made: RegistrationToken) -> None:
        self.token.setText(made.token)
        self.copy.setEnabled(True)
        self.token_note.setText(
            f"Valid until {when(made.expires_at)}, for one computer. It is shown only now: "
            "copy it, and give it to whoever registers the computer."
        )
        self.refresh()

    def copy_token(self) -> None:
        QGuiApplication.clipboard().setText(self.token.text())
        self.tell("Registration token copied to the clipboard")
