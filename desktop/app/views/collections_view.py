"""Collections: the team's collections with each tool's last result; add a folder of this
computer (an authorized root and a collection in one step, as the first-run window does),
assign a pipeline, run the tools, and for the selected collection its KPIs, HTML reports, trend
charts and what to fix."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
)

from shuttersense.common.results import ToolName
from shuttersense.desktop.agent.context import AgentContext

from ..api import Invalid, UserApiClient
from ..api.collections_data import (
    CollectionRow,
    CollectionsPage,
    load_collections,
    load_detail,
)
from ..api.models import JobSummary, QueuedAudit
from ..api.overview import TOOL_LABELS
from ..api.session import ApiSession
from ..first_run_steps import authorize_folder
from ..models.collection_models import collections_model
from ..settings import Account, AppSettings
from ..widgets.collection_detail import CollectionDetailPane, PreparedDetail
from ..widgets.panels import TablePane, heading
from ..widgets.remembered import remember_header, remember_splitter
from ..workers import Workers
from .api_view import ApiView

__all__ = ["CollectionsView", "write_report"]

_GUID = re.compile(r"[a-z]{3}_[0-9a-z]{26}")


def write_report(folder: Path, guid: str, html: str) -> Path:
    """The report as `folder/<guid>.html`; a GUID that is not one is refused (no path from
    the server is trusted)."""
    if not _GUID.fullmatch(guid):
        raise Invalid(400, "guid", f"{guid!r} is not a GUID; the report was not saved")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{guid}.html"
    path.write_text(html, encoding="utf-8")
    return path


ENDED_REFRESH_MS = 300


class CollectionsView(ApiView):
    jobs_queued = Signal(list)  # the JobSummary of each tool asked for, queued or running

    def __init__(self, workers: Workers, context: AgentContext, settings: AppSettings) -> None:
        super().__init__(workers)
        self.context = context
        self.page = CollectionsPage((), ())
        self._shown: str | None = None  # the collection whose detail is asked for or shown
        # A detail of a 1M-file collection takes a worker a quarter of a second of Python (the
        # findings): one at a time per collection, asked again once if needed meanwhile.
        self._detail_loading: str | None = None
        self._detail_again = False
        # The jobs of one audit end together: one refresh for them all.
        self._ended = QTimer(self)
        self._ended.setSingleShot(True)
        self._ended.setInterval(ENDED_REFRESH_MS)
        self._ended.timeout.connect(self._refresh_if_signed_in)

        add = QPushButton("&Add folder…")
        add.setToolTip("Make a folder of this computer a collection (and an authorized root)")
        add.clicked.connect(self._pick_folder)
        self.run_button = QToolButton()
        self.run_button.setText("R&un all tools")
        self.run_button.setToolTip(
            "Audit the selected collection: every tool that applies, on one listing of its files"
        )
        self.run_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.run_button.clicked.connect(lambda: self.run_tools(None))
        menu = QMenu(self.run_button)
        for tool in ToolName:
            menu.addAction(f"Run {TOOL_LABELS[tool]}", lambda t=tool.value: self.run_tools([t]))
        self.run_button.setMenu(menu)
        self.pipeline = QComboBox()
        self.pipeline.setAccessibleName("Pipeline of the selected collection")
        self.pipeline.setMinimumContentsLength(18)
        pipeline_label = QLabel("&Pipeline:")
        pipeline_label.setBuddy(self.pipeline)
        self.assign = QPushButton("A&ssign")
        self.assign.setToolTip("Check the selected collection against this pipeline from now on")
        self.assign.clicked.connect(self.assign_pipeline)
        refresh = QPushButton("Re&fresh")
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.setToolTip("Load again from the coordinator (F5)")
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(heading("Collections", scale=1.5))
        top.addStretch(1)
        for widget in (add, self.run_button, pipeline_label, self.pipeline, self.assign, refresh):
            top.addWidget(widget)

        self.model = collections_model()
        self.list = TablePane(
            "The team's collections",
            self.model,
            "No collection yet. Add a folder of this computer to analyse it.",
            stretch_column=1,
        )
        table = self.list.table
        table.setSortingEnabled(True)
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a folder keeps its last part
        table.setAccessibleName("Collections")
        table.selectionModel().currentRowChanged.connect(lambda *_: self._selected_changed())
        remember_header(settings, "collections/list", table.horizontalHeader())
        self.detail = CollectionDetailPane(settings)
        self.detail.report_requested.connect(self.open_report)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(self.detail)
        self.splitter.setSizes([1500, 3500])
        self.splitter.setChildrenCollapsible(False)
        remember_splitter(settings, "collections/splitter", self.splitter)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(self.splitter, 1)
        self._enable()

    # -- the list ------------------------------------------------------------------------------

    def set_session(self, session: ApiSession | None, account: Account | None) -> None:
        self._detail_loading = None  # one asked of the old session may never answer here
        super().set_session(session, account)

    def refresh(self) -> None:
        self.call(load_collections, self._loaded)

    def _loaded(self, page: CollectionsPage) -> None:
        keep = self._shown
        self.page = page
        self.model.set_rows(page.rows)
        self.pipeline.clear()
        self.pipeline.addItem("Team default", None)
        for pipeline in page.pipelines:
            state = "" if pipeline.is_active else " (invalid)"
            self.pipeline.addItem(f"{pipeline.name}{state}", pipeline.guid)
        guids = [row.collection.guid for row in page.rows]
        if page.rows:
            self.select(keep if keep in guids else guids[0])
        self.notice.hide()
        self._enable()

    def select(self, guid: str) -> None:
        for index, row in enumerate(self.model.rows()):
            if row.collection.guid == guid:
                if self.list.table.currentIndex().row() == index:
                    self._selected_changed()  # current already: no signal will say so
                else:
                    self.list.table.selectRow(index)
                return

    def selected(self) -> CollectionRow | None:
        index = self.list.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def _selected_changed(self) -> None:
        row = self.selected()
        self._enable()
        if row is None:
            return
        found = self.pipeline.findData(row.collection.pipeline)
        self.pipeline.setCurrentIndex(max(found, 0))
        self._shown = row.collection.guid
        self.detail.loading(row.collection.name)
        self._load_detail(row.collection.guid)

    def _load_detail(self, guid: str) -> None:
        if self._detail_loading == guid:
            self._detail_again = True
            return
        pane = self.detail
        if self.call(
            lambda client: pane.prepare(load_detail(client, guid)),
            self._detail_loaded,
            self._detail_failed,
        ):
            self._detail_loading, self._detail_again = guid, False

    def _detail_failed(self, error: Exception) -> None:
        self._detail_loading = None
        self.show_problem(str(error))

    def _detail_loaded(self, prepared: PreparedDetail) -> None:
        detail = prepared.detail
        self._detail_loading = None
        if self._detail_again and self._shown is not None:
            self._load_detail(self._shown)
        if detail.guid != self._shown:
            return  # an answer about a collection left meanwhile
        self.detail.show_detail(prepared)
        for index, row in enumerate(self.model.rows()):
            if row.collection.guid == detail.guid:  # the list agrees with what is shown
                latest = {**row.latest, **detail.newest()}
                self.model.replace(index, CollectionRow(row.collection, row.pipeline, latest))

    def _enable(self) -> None:
        chosen = self.selected() is not None
        for widget in (self.run_button, self.assign, self.pipeline):
            widget.setEnabled(chosen)

    # -- actions -------------------------------------------------------------------------------

    def _pick_folder(self) -> None:
        dialog = QFileDialog(self, "Add a folder as a collection")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        dialog.fileSelected.connect(lambda chosen: self.add_folder(Path(chosen)))
        dialog.open()

    def add_folder(self, folder: Path) -> None:
        """`folder` becomes an authorized root of this computer's agent and a collection."""
        context = self.context
        self.workers.run(
            lambda: authorize_folder(context, folder),
            self._folder_added,
            lambda error: self.notice.say(f"{folder} was not added: {error}"),
            owner=self,
        )

    def _folder_added(self, collection: dict[str, object]) -> None:
        self._shown = str(collection["guid"])
        self.tell(f"Added {collection['name']}")
        self.refresh()

    def run_tools(self, tools: list[str] | None) -> None:
        """Queue `tools` (None: every tool that applies, as the coordinator decides) on the
        selected collection as one audit."""
        row = self.selected()
        if row is None:
            return
        guid = row.collection.guid
        self.call(lambda client: client.run_audit(guid, tools), self._queued)

    def _queued(self, audit: QueuedAudit) -> None:
        def names(jobs: list[JobSummary]) -> str:
            return ", ".join(TOOL_LABELS.get(job.tool, job.tool) for job in jobs)

        told = [f"Queued {names(audit.queued)}"] if audit.queued else []
        if audit.unfinished:
            told.append(f"{names(audit.unfinished)} already queued or running")
        self.tell(f"{'; '.join(told)}: follow them in Jobs")
        self.jobs_queued.emit(audit.jobs())

    def assign_pipeline(self) -> None:
        row = self.selected()
        if row is None:
            return
        guid, pipeline = row.collection.guid, self.pipeline.currentData()
        self.call(lambda client: client.assign_pipeline(guid, pipeline), lambda _: self.refresh())

    def open_report(self) -> None:
        """The shown collection's HTML report (the last result of each tool), saved in the
        app's data folder, in the system browser."""
        guid = self._shown
        if guid is None:
            return
        folder = self.context.dirs.data / "reports"

        def fetch(client: UserApiClient) -> Path:
            return write_report(folder, guid, client.collection_report(guid))

        self.call(fetch, lambda path: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))

    def job_ended(self) -> None:
        """A job ended somewhere in the team: the figures may have changed."""
        self._ended.start()

    def _refresh_if_signed_in(self) -> None:
        if self.session is not None:
            self.refresh()
