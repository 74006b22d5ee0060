"""The views that come with the next part of the app, saying so and what they will hold."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..widgets.panels import heading

__all__ = ["COMING", "PlaceholderView"]

COMING = {
    "collections": (
        "Collections",
        "Add a folder, assign a pipeline, run the tools (one, or all that apply), see each "
        "tool's last result with its KPIs, open the HTML report, and follow trend charts of "
        "orphans, invalid names and consistency.",
    ),
    "pipelines": (
        "Pipelines",
        "List, create and edit your processing pipelines with the server's validation as you "
        "type, a drawn graph, a preview of the files expected for a sample name, and import "
        "and export as JSON or YAML.",
    ),
    "jobs": (
        "Jobs",
        "The queue with live progress, cancel and retry, and each failure with its reason.",
    ),
    "agents": (
        "Agents",
        "The team's agents with their state and last heartbeat, registration tokens to create "
        "and copy, rename and revoke (team admins).",
    ),
}


class PlaceholderView(QWidget):
    def __init__(self, name: str) -> None:
        super().__init__()
        title, holds = COMING[name]
        coming = QLabel(
            f"This view comes with the next version of ShutterSense. It will hold: {holds}"
        )
        coming.setWordWrap(True)
        coming.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(title, scale=1.5))
        layout.addWidget(coming)
        layout.addStretch(1)
