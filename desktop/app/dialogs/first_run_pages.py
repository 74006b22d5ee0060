"""The pages of the first-run window: what each asks, nothing of what happens next."""

from __future__ import annotations

import socket
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..widgets.panels import heading

__all__ = [
    "FoldersPage",
    "ModePage",
    "Page",
    "RegisterPage",
    "ServerPage",
    "SignInPage",
    "TextPage",
]


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class Page(QWidget):
    """A page: a title, what it is about, then its fields."""

    def __init__(self, title: str, intro: str) -> None:
        super().__init__()
        self.title = heading(title, scale=1.4)
        self.intro = _note(intro)
        self.body = QVBoxLayout(self)
        self.body.addWidget(self.title)
        self.body.addWidget(self.intro)

    def first_field(self) -> QWidget | None:
        return None


class ModePage(Page):
    def __init__(self, solo_available: bool) -> None:
        super().__init__(
            "Welcome to ShutterSense",
            "ShutterSense audits your photo collections where they live: missing sidecars, "
            "broken names, images that left your workflow half done. How do you want to use it?",
        )
        self.solo = QRadioButton("&Just this computer (solo mode)")
        self.solo_note = _note(
            "No server needed: ShutterSense keeps everything on this computer."
            if solo_available
            else "Solo mode comes with the next version of the app. For now, connect to your "
            "team's coordinator."
        )
        self.team = QRadioButton("&Connect to my team's coordinator")
        team_note = _note(
            "Your team runs a ShutterSense coordinator: you need its address and your account."
        )
        group = QButtonGroup(self)
        group.addButton(self.solo)
        group.addButton(self.team)
        self.solo.setEnabled(solo_available)
        (self.solo if solo_available else self.team).setChecked(True)
        for widget in (self.solo, self.solo_note, self.team, team_note):
            self.body.addWidget(widget)
        self.solo_note.setIndent(24)
        team_note.setIndent(24)
        self.body.addStretch(1)

    def for_switch(self, solo_now: bool) -> None:
        """The page as Settings' switch shows it: the other mode chosen to begin with."""
        now = (
            "ShutterSense runs on this computer alone now (solo mode)."
            if solo_now
            else "ShutterSense is connected to a team coordinator now."
        )
        self.title.setText("Switch mode")
        self.intro.setText(
            f"{now} Whichever you choose, this computer registers there anew, its folders "
            "become collections there, and the results it keeps for upload go there."
        )
        if not solo_now:
            self.team.setText("&Connect to another team coordinator")
        (self.team if solo_now or not self.solo.isEnabled() else self.solo).setChecked(True)

    def first_field(self) -> QWidget:
        return self.solo if self.solo.isChecked() else self.team


class ServerPage(Page):
    def __init__(self) -> None:
        super().__init__(
            "Your team's coordinator",
            "Enter the address your administrator gave you. ShutterSense checks that a "
            "coordinator answers there before going on.",
        )
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://shuttersense.example.com")
        form = QFormLayout()
        label = QLabel("Server &address:")
        label.setBuddy(self.url)
        form.addRow(label, self.url)
        self.body.addLayout(form)
        self.body.addStretch(1)

    def first_field(self) -> QWidget:
        return self.url


class SignInPage(Page):
    def __init__(self) -> None:
        super().__init__("Sign in", "Sign in with your ShutterSense account.")
        self.email = QLineEdit()
        self.email.setPlaceholderText("you@example.com")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        for text, field in (("&E-mail:", self.email), ("&Password:", self.password)):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        self.body.addLayout(form)
        self.body.addWidget(
            _note(
                "ShutterSense keeps a token for this app in your system's keyring, never your "
                "password."
            )
        )
        self.body.addStretch(1)

    def set_server(self, server_url: str) -> None:
        self.intro.setText(f"Sign in to {server_url} with your ShutterSense account.")

    def first_field(self) -> QWidget:
        return self.email if not self.email.text() else self.password


class RegisterPage(Page):
    def __init__(self) -> None:
        super().__init__(
            "Register this computer",
            "This computer becomes one of the team's agents: it analyses the folders you pick "
            "and sends only results, never photos.",
        )
        self.name = QLineEdit(socket.gethostname())
        form = QFormLayout()
        name_label = QLabel("Computer &name:")
        name_label.setBuddy(self.name)
        form.addRow(name_label, self.name)
        self.body.addLayout(form)
        self.create = QRadioButton("Create a registration &token for me (team admins)")
        self.paste = QRadioButton("&Use a registration token I was given:")
        self.token = QLineEdit()
        self.token.setPlaceholderText("art_…")
        self.token.setAccessibleName("Registration token")
        self.token.textEdited.connect(lambda _: self.paste.setChecked(True))
        group = QButtonGroup(self)
        group.addButton(self.create)
        group.addButton(self.paste)
        self.note = _note("")
        for widget in (self.create, self.paste, self.token, self.note):
            self.body.addWidget(widget)
        self.body.addStretch(1)

    def for_user(self, is_admin: bool) -> None:
        self.create.setEnabled(is_admin)
        (self.create if is_admin else self.paste).setChecked(True)
        self.note.setText(
            ""
            if is_admin
            else "Only team admins can create registration tokens: ask one for a token "
            "(art_…) and paste it here."
        )

    def pasted(self) -> str | None:
        return self.token.text() if self.paste.isChecked() else None

    def first_field(self) -> QWidget:
        return self.name


class FoldersPage(Page):
    def __init__(self) -> None:
        super().__init__(
            "Folders to audit",
            "Pick the folders ShutterSense may read. Each becomes a collection; ShutterSense "
            "reads nothing outside them. You can add more later.",
        )
        self.folders = QListWidget()
        self.folders.setAccessibleName("Folders to audit")
        add = QPushButton("&Add folder…")
        add.clicked.connect(self._choose)
        remove = QPushButton("&Remove")
        remove.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        self.body.addWidget(self.folders, 1)
        self.body.addLayout(buttons)

    def _choose(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "A folder to audit", str(Path.home()))
        if chosen:
            self.add(Path(chosen))

    def add(self, folder: Path) -> None:
        text = str(folder)
        if not self.folders.findItems(text, Qt.MatchFlag.MatchExactly):
            self.folders.addItem(text)

    def _remove(self) -> None:
        for item in self.folders.selectedItems():
            self.folders.takeItem(self.folders.row(item))

    def chosen(self) -> list[Path]:
        return [Path(self.folders.item(row).text()) for row in range(self.folders.count())]

    def first_field(self) -> QWidget:
        return self.folders


class TextPage(Page):
    """A page that only says something (the end of the setup)."""

    def __init__(self, title: str) -> None:
        super().__init__(title, "")
        self.body.addStretch(1)

    def say(self, text: str) -> None:
        self.intro.setText(text)
