"""Every control of the team's views is reached with Tab alone, in the order it is read."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.app.api.collections_data import CollectionRow
from shuttersense.desktop.app.api.models import Collection
from shuttersense.desktop.app.settings import AppSettings
from shuttersense.desktop.app.views.team_views import TeamViews
from shuttersense.desktop.app.workers import Workers


def tab_ring(qtbot: QtBot, view: QWidget) -> list[QWidget]:
    """The widgets Tab visits from the view's first one until it comes back round."""
    with qtbot.waitActive(view):
        view.show()
        view.activateWindow()
    view.focusNextChild()
    first = QApplication.focusWidget()
    assert first is not None
    seen = [first]
    for _ in range(200):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        if now is first:
            return seen
        seen.append(now)
    raise AssertionError(f"Tab never came back: {[type(w).__name__ for w in seen[:40]]}")


def test_tab_reaches_every_control(
    qtbot: QtBot, context: AgentContext, app_settings: AppSettings
) -> None:
    workers = Workers()
    views = TeamViews(workers, context, app_settings)
    collections = views.collections
    qtbot.addWidget(collections)
    collections.resize(1000, 700)
    weddings = Collection(guid="col_1", name="Weddings", root_path="/photos/weddings")
    collections.model.set_rows([CollectionRow(weddings, "none")])
    ring = tab_ring(qtbot, collections)
    for control in (
        collections.run_button,
        collections.list.table,
        collections.detail.tabs.tabBar(),
    ):
        assert control in ring, control

    pipelines = views.pipelines
    qtbot.addWidget(pipelines)
    pipelines.resize(1000, 700)
    ring = tab_ring(qtbot, pipelines)
    for control in (
        pipelines.name,
        pipelines.description,
        pipelines.editor.nodes,
        pipelines.editor.edges,
        pipelines.sample,
        pipelines.save_button,
    ):
        assert control in ring, control
    workers.shut_down()
