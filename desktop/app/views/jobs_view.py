"""Jobs: the team's queue with live progress bars from the jobs WebSocket, cancel, retry, and
each failure with its reason. The list is read from the REST API when the view loads and each
time the socket (re)connects; the socket's events then move it along."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from ..api import UserApiClient
from ..api.job_events import JobEvents, SocketState
from ..api.models import JobSummary
from ..api.session import ApiSession
from ..models.jobs_model import ENDED, jobs_model
from ..settings import Account, AppSettings
from ..widgets.panels import TablePane, heading
from ..widgets.progress_delegate import ProgressDelegate
from ..widgets.remembered import remember_header
from ..workers import Workers
from .api_view import ApiView

__all__ = ["JobsView"]

_PROGRESS_COLUMN = 4
_EVENT_FIELDS = ("status", "attempts", "cancel_requested", "error")


class _Bridge(QObject):
    """The socket's thread emits; Qt queues the signals to the UI thread."""

    event = Signal(dict)
    state = Signal(object)


class JobsView(ApiView):
    job_ended = Signal(str)  # the job's GUID: it completed, failed or was cancelled

    def __init__(self, workers: Workers, settings: AppSettings) -> None:
        super().__init__(workers)
        self.names: dict[str, str] = {}
        self.events: JobEvents | None = None
        self.bridge = _Bridge(self)
        self.bridge.event.connect(self._event)
        self.bridge.state.connect(self._socket_state)
        self.live = QLabel("Live updates: not connected")
        self.live.setAccessibleName("Live updates")
        self.cancel = QPushButton("&Cancel job")
        self.cancel.clicked.connect(self.cancel_selected)
        self.retry = QPushButton("R&etry job")
        self.retry.clicked.connect(self.retry_selected)
        refresh = QPushButton("Re&fresh")
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.setToolTip("Load again from the coordinator (F5)")
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(heading("Jobs", scale=1.5))
        top.addStretch(1)
        for widget in (self.live, self.cancel, self.retry, refresh):
            top.addWidget(widget)

        self.model = jobs_model(self.names)
        self.list = TablePane(
            "The team's jobs, newest first",
            self.model,
            "No job yet. Run a tool on a collection (Collections) to queue one.",
            stretch_column=6,
        )
        table = self.list.table
        table.setItemDelegateForColumn(_PROGRESS_COLUMN, ProgressDelegate(table))
        table.setAccessibleName("Jobs")
        table.setSortingEnabled(True)
        table.horizontalHeader().setMinimumSectionSize(80)
        table.selectionModel().currentRowChanged.connect(lambda *_: self._selected_changed())
        remember_header(settings, "jobs/list", table.horizontalHeader())
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.reason.setTextFormat(Qt.TextFormat.PlainText)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.reason)
        self._selected_changed()

    # -- the socket ------------------------------------------------------------------------------

    def set_session(self, session: ApiSession | None, account: Account | None) -> None:
        self.stop_events()
        super().set_session(session, account)
        if session is not None:
            bridge = self.bridge
            self.events = JobEvents(
                session.server_url, session.token, bridge.event.emit, bridge.state.emit
            )
            self.events.start()

    def stop_events(self) -> None:
        if self.events is not None:
            self.events.stop()
            self.events = None
            self.live.setText("Live updates: not connected")

    def _socket_state(self, state: SocketState) -> None:
        self.live.setText("Live updates: on" if state.live else "Live updates: off")
        self.live.setToolTip(state.text)
        if state.signed_out:
            self.notice.say(state.text)
        elif not state.live:
            self.notice.say(f"Progress may be out of date: {state.text}.")
        else:
            self.notice.hide()

    def _event(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == "subscribed":
            self.refresh()  # what changed while the socket was not there
            return
        if kind not in ("state", "progress"):
            return
        guid = event.get("job")
        # Told on the event itself, not on a change of the row: a list read again in between
        # may already show the job ended (a short job, events late on a busy coordinator).
        if kind == "state" and event.get("status") in ENDED and isinstance(guid, str):
            self.job_ended.emit(guid)
        index = self._row_of(guid)
        if index is None:
            self.refresh()  # a job queued since the list was read
            return
        job = self.model.row(index)
        update: dict[str, Any] = {k: event[k] for k in _EVENT_FIELDS if k in event}
        if kind == "progress":
            update["progress"] = {
                k: event.get(k) for k in ("stage", "percent", "counts", "message")
            }
        changed = job.model_copy(update=update)
        self.model.replace(index, changed)
        if index == self.list.table.currentIndex().row():
            self._selected_changed()

    def _row_of(self, guid: object) -> int | None:
        return next(
            (i for i, job in enumerate(self.model.rows()) if job.guid == guid),
            None,
        )

    # -- the list --------------------------------------------------------------------------------

    def refresh(self) -> None:
        def load(client: UserApiClient) -> tuple[list[JobSummary], dict[str, str]]:
            names = {c.guid: c.name for c in client.collections()}
            return client.jobs(), names

        self.call(load, self._loaded)

    def _loaded(self, loaded: tuple[list[JobSummary], dict[str, str]]) -> None:
        jobs, names = loaded
        self.names.clear()
        self.names.update(names)
        keep = self.selected()
        self.model.set_rows(jobs)
        if keep is not None:
            self.select(keep.guid)
        self._selected_changed()

    def select(self, guid: str) -> None:
        index = self._row_of(guid)
        if index is not None:
            self.list.table.selectRow(index)

    def selected(self) -> JobSummary | None:
        index = self.list.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def _selected_changed(self) -> None:
        job = self.selected()
        self.cancel.setEnabled(job is not None and job.status not in ENDED)
        self.retry.setEnabled(job is not None and job.status in ("failed", "cancelled"))
        if job is None:
            self.reason.setText("")
        elif job.status == "failed":
            self.reason.setText(f"Why it failed: {job.error or 'no reason was given'}")
        elif job.status == "cancelled":
            self.reason.setText(f"Cancelled{f': {job.error}' if job.error else ''}")
        else:
            self.reason.setText("")

    def cancel_selected(self) -> None:
        job = self.selected()
        if job is not None:
            guid = job.guid
            self.call(lambda client: client.cancel_job(guid), self._changed)

    def retry_selected(self) -> None:
        job = self.selected()
        if job is not None:
            guid = job.guid
            self.call(lambda client: client.retry_job(guid), self._retried)

    def _changed(self, job: JobSummary) -> None:
        index = self._row_of(job.guid)
        if index is not None:
            self.model.replace(index, job)
        self._selected_changed()

    def _retried(self, job: JobSummary) -> None:
        self.tell(f"Queued again as {job.guid}")
        self.refresh()
