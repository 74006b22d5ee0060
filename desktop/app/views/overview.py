"""Overview: this computer's agent, the team's agent pool, the figures of all collections,
recent results with their KPIs, and the collections that got worse."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..api.models import PoolStatus
from ..api.overview import Overview
from ..icons import state_icon
from ..models.overview_models import recent_results_model, when, worse_collections_model
from ..services.agent_control import AgentStatus, describe
from ..widgets.panels import NoticeBar, StatTile, TablePane, heading

__all__ = ["OverviewView", "pool_text"]


def pool_text(pool: PoolStatus) -> str:
    agents = f"{pool.total} agent{'s' if pool.total != 1 else ''}"
    return (
        f"{agents}: {pool.online} online ({pool.idle} idle, {pool.busy} busy, "
        f"{pool.paused} paused), {pool.offline} offline — {pool.status}"
    )


class OverviewView(QWidget):
    refresh_requested = Signal()
    register_again_requested = Signal()  # the agent's registration was lost

    def __init__(self) -> None:
        super().__init__()
        self.notice = NoticeBar()
        self.updated = QLabel("Not loaded yet")
        refresh = QPushButton("&Refresh")
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.setToolTip("Load the figures again (F5)")
        refresh.clicked.connect(self.refresh_requested)
        top = QHBoxLayout()
        top.addWidget(heading("Overview", scale=1.5))
        top.addStretch(1)
        top.addWidget(self.updated)
        top.addWidget(refresh)

        self.agent_icon = QLabel()
        self.agent_state = QLabel("—")
        self.agent_state.setWordWrap(True)
        agent_box = QGroupBox("This computer's agent")
        agent_row = QHBoxLayout(agent_box)
        agent_row.addWidget(self.agent_icon)
        agent_row.addWidget(self.agent_state, 1)
        self.register_again = QPushButton("Re&gister this computer again…")
        self.register_again.setToolTip(
            "Register this computer with the same coordinator (a new registration token from an "
            "admin); its collections with their results, and the results it kept, stay"
        )
        self.register_again.clicked.connect(self.register_again_requested)
        self.register_again.hide()
        agent_row.addWidget(self.register_again)
        self.pool = QLabel("—")
        self.pool.setWordWrap(True)
        pool_box = QGroupBox("The team's agents")
        QVBoxLayout(pool_box).addWidget(self.pool)

        self.collections = StatTile("Collections")
        self.files = StatTile("Files", "files in all collections, as their last scan found")
        self.orphans = StatTile(
            "Orphaned files", "images without their sidecar and sidecars without their image"
        )
        self.inconsistent = StatTile(
            "Inconsistent images", "images whose files break your pipeline, by Pipeline Validation"
        )
        figures = QGridLayout()
        figures.addWidget(agent_box, 0, 0, 1, 2)
        figures.addWidget(pool_box, 0, 2, 1, 2)
        for column, tile in enumerate(
            (self.collections, self.files, self.orphans, self.inconsistent)
        ):
            figures.addWidget(tile, 1, column)

        self.recent_model = recent_results_model()
        self.worse_model = worse_collections_model()
        self.recent = TablePane(
            "Recent results",
            self.recent_model,
            "No results yet. They appear here once an agent has analysed a collection.",
            stretch_column=1,
        )
        self.worse = TablePane(
            "Got worse since the previous result",
            self.worse_model,
            "No collection got worse since its previous result.",
            stretch_column=0,
        )
        tables = QSplitter(Qt.Orientation.Vertical)
        tables.addWidget(self.recent)
        tables.addWidget(self.worse)
        tables.setSizes([3000, 2000])  # in proportion, whatever the height
        tables.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addLayout(figures)
        layout.addWidget(tables, 1)

    def show_agent(self, status: AgentStatus) -> None:
        self.agent_icon.setPixmap(state_icon(status).pixmap(32, 32))
        said = describe(status)
        self.agent_state.setText(said[:1].upper() + said[1:])  # a reason's own capitals stay
        self.register_again.setVisible(status.registration_lost)

    def show_overview(self, overview: Overview, at: datetime) -> None:
        counts = overview.counts
        self.collections.set_value(counts.collections)
        self.files.set_value(counts.files)
        self.orphans.set_value(
            counts.orphans,
            ""
            if counts.orphans is None
            else f"{counts.orphaned_images:,} images, {counts.orphaned_sidecars:,} sidecars",
        )
        self.inconsistent.set_value(
            counts.inconsistent, "" if counts.partial is None else f"and {counts.partial:,} partial"
        )
        self.pool.setText(pool_text(overview.pool))
        self.recent_model.set_rows(overview.recent)
        self.worse_model.set_rows(overview.worse)
        self.updated.setText(f"Updated {when(at)}")
        self.notice.hide()

    def show_problem(
        self, text: str, action: str = "", on_action: Callable[[], None] | None = None
    ) -> None:
        """What stops the figures from being current (they stay as last loaded)."""
        self.notice.say(text, action, on_action)
