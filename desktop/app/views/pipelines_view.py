"""Pipelines: the team's pipelines; create and edit one in a form with the server's validation
as you type (`/api/pipelines/validate`, asked once typing pauses), its graph drawn beside it,
the files expected for a sample name (the server's preview of the saved version), and import
and export of JSON and YAML files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..api import Invalid, UserApiClient
from ..api.models import Pipeline, PipelineDetail, PipelinePreview, Validation
from ..models.pipelines_model import pipelines_model
from ..settings import AppSettings
from ..widgets.panels import TablePane, heading
from ..widgets.pipeline_editor import PipelineEditor
from ..widgets.pipeline_graph import PipelineGraph
from ..widgets.remembered import remember_header, remember_splitter
from ..workers import Workers
from .api_view import ApiView

__all__ = ["NEW_PIPELINE", "PipelinesView", "preview_text", "read_document"]

VALIDATE_AFTER_MS = 400
MAX_DOCUMENT = 2 * 1024 * 1024  # what the coordinator's import takes
NEW_PIPELINE: dict[str, Any] = {
    "nodes": [
        {
            "id": "capture",
            "type": "capture",
            "properties": {
                "name": "Camera",
                "filename_regex": "([A-Z0-9]{4})([0-9]{4})",
                "camera_id_group": "1",
                "sample_filename": "AB3D0001",
            },
        },
        {"id": "raw", "type": "file", "properties": {"name": "RAW file", "extension": ".CR3"}},
        {
            "id": "archive",
            "type": "termination",
            "properties": {"name": "Archive", "termination_type": "Black Box Archive"},
        },
    ],
    "edges": [{"from": "capture", "to": "raw"}, {"from": "raw", "to": "archive"}],
}


def read_document(path: Path) -> str:
    """A pipeline file's text; Invalid saying why when it is too big or not text."""
    try:
        if path.stat().st_size > MAX_DOCUMENT:
            raise Invalid(400, "size", f"{path} is larger than 2 MB: not a pipeline file")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise Invalid(400, "text", f"{path} is not a text file (JSON or YAML)") from None
    except OSError as exc:
        raise Invalid(400, "file", f"{path} cannot be read ({exc.strerror or exc})") from None


def _write(path: Path, text: str) -> Path:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise Invalid(400, "file", f"{path} cannot be written ({exc.strerror or exc})") from None
    return path


def preview_text(preview: PipelinePreview) -> str:
    lines = [
        f"{path.termination}: {', '.join(path.filenames)}   ({' → '.join(path.nodes)})"
        for path in preview.paths
    ]
    if preview.truncated_paths:
        lines.append(f"… and {preview.truncated_paths:,} paths cut by the loop limit")
    return "\n".join(lines) or "No path reaches a termination."


class PipelinesView(ApiView):
    def __init__(self, workers: Workers, settings: AppSettings) -> None:
        super().__init__(workers)
        self.current: PipelineDetail | None = None  # None: a new pipeline, not saved yet
        self._asked = 0  # validations asked; only the newest answer is shown
        new = QPushButton("&New")
        new.clicked.connect(self.new_pipeline)
        import_button = QPushButton("&Import…")
        import_button.setToolTip("A pipeline from a JSON or YAML file")
        import_button.clicked.connect(self._pick_import)
        self.export_button = QPushButton("E&xport…")
        self.export_button.setToolTip("The saved pipeline as a JSON or YAML file")
        self.export_button.clicked.connect(self._pick_export)
        refresh = QPushButton("Re&fresh")
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.setToolTip("Load again from the coordinator (F5)")
        refresh.clicked.connect(lambda: self.refresh())
        top = QHBoxLayout()
        top.addWidget(heading("Pipelines", scale=1.5))
        top.addStretch(1)
        for widget in (new, import_button, self.export_button, refresh):
            top.addWidget(widget)

        self.model = pipelines_model()
        self.list = TablePane("The team's pipelines", self.model, "No pipeline yet.", 0)
        table = self.list.table
        table.setAccessibleName("Pipelines")
        table.setSortingEnabled(True)
        table.selectionModel().currentRowChanged.connect(lambda *_: self._selected_changed())
        remember_header(settings, "pipelines/list", table.horizontalHeader())

        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.description = QLineEdit()
        self.description.setMaxLength(2000)
        self.description.textEdited.connect(lambda _: self._edited())
        form = QFormLayout()
        form.addRow("Na&me:", self.name)
        form.addRow("&Description:", self.description)
        self.editor = PipelineEditor()
        self.editor.changed.connect(self._edited)
        self.graph = PipelineGraph()
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems.setAccessibleName("Validation")
        self.save_button = QPushButton("&Save")
        self.save_button.clicked.connect(self.save)
        self.sample = QLineEdit("AB3D0001")
        self.sample.setAccessibleName("Sample image name")
        self.sample.returnPressed.connect(self.preview)
        preview_button = QPushButton("Pre&view")
        preview_button.clicked.connect(self.preview)
        self.preview_out = QPlainTextEdit()
        self.preview_out.setReadOnly(True)
        self.preview_out.setAccessibleName("Expected files")
        self.preview_out.setMaximumHeight(self.fontMetrics().height() * 6)
        sample_row = QHBoxLayout()
        sample_row.addWidget(QLabel("Files expected for the image:"))
        sample_row.addWidget(self.sample)
        sample_row.addWidget(preview_button)
        sample_row.addStretch(1)
        sample_row.addWidget(self.save_button)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(VALIDATE_AFTER_MS)
        self.timer.timeout.connect(self.validate)

        edit_split = QSplitter(Qt.Orientation.Vertical)
        edit_split.addWidget(self.editor)
        edit_split.addWidget(self.graph)
        edit_split.setSizes([3000, 2500])
        remember_splitter(settings, "pipelines/editor", edit_split)
        editing = QWidget()
        editing_layout = QVBoxLayout(editing)
        editing_layout.setContentsMargins(0, 0, 0, 0)
        editing_layout.addLayout(form)
        editing_layout.addWidget(edit_split, 1)
        editing_layout.addWidget(self.problems)
        editing_layout.addLayout(sample_row)
        editing_layout.addWidget(self.preview_out)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(editing)
        self.splitter.setSizes([1300, 4000])
        self.splitter.setChildrenCollapsible(False)
        remember_splitter(settings, "pipelines/splitter", self.splitter)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(self.splitter, 1)
        self.new_pipeline()

    # -- the list ------------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        keep = select or (self.current.guid if self.current else None)
        self.call(lambda client: client.pipelines(), lambda found: self._loaded(found, keep))

    def _loaded(self, pipelines: list[Pipeline], keep: str | None) -> None:
        self.model.set_rows(pipelines)
        self.notice.hide()
        if keep is not None:
            self.select(keep)

    def select(self, guid: str) -> None:
        for index, pipeline in enumerate(self.model.rows()):
            if pipeline.guid == guid:
                self.list.table.selectRow(index)
                return

    def _selected_changed(self) -> None:
        index = self.list.table.currentIndex()
        if not index.isValid():
            return
        guid = self.model.row(index.row()).guid
        if self.current is None or self.current.guid != guid:
            self.call(lambda client: client.pipeline(guid), self.show_pipeline)

    def show_pipeline(self, pipeline: PipelineDetail) -> None:
        self.current = pipeline
        self.name.setText(pipeline.name)
        self.name.setReadOnly(True)
        self.description.setText(pipeline.description)
        self.editor.set_definition(pipeline.definition)
        self.export_button.setEnabled(True)
        self.preview_out.clear()

    def new_pipeline(self) -> None:
        self.current = None
        self.list.table.clearSelection()
        self.name.setReadOnly(False)
        self.name.clear()
        self.name.setPlaceholderText("Name the new pipeline")
        self.description.clear()
        self.editor.set_definition(NEW_PIPELINE)
        self.export_button.setEnabled(False)
        self.preview_out.clear()

    # -- validating and saving ----------------------------------------------------------------

    def _edited(self) -> None:
        definition, _ = self.editor.definition()
        self.graph.set_definition(definition)
        self.timer.start()  # the server is asked once typing pauses

    def validate(self) -> None:
        self.timer.stop()
        definition, problems = self.editor.definition()
        self._asked += 1
        asked = self._asked
        self.call(
            lambda client: client.validate_pipeline(definition),
            lambda answer: self._validated(asked, answer, problems),
            lambda error: self._validated(asked, None, [*problems, str(error)]),
        )

    def _validated(self, asked: int, answer: Validation | None, problems: list[str]) -> None:
        if asked != self._asked:
            return  # a newer edit was sent meanwhile
        errors = [*problems, *(answer.errors if answer else [])]
        warnings = answer.warnings if answer else []
        lines = [f"✗ {error}" for error in errors] + [f"⚠ {warning}" for warning in warnings]
        if not errors and answer is not None:
            paths = "" if answer.path_count is None else f": {answer.path_count:,} paths"
            lines.insert(0, f"✓ Valid{paths}")
        self.problems.setText("\n".join(lines))
        self.problems.setStyleSheet("color: #d3343b;" if errors else "")

    def errors_shown(self) -> list[str]:
        return [line[2:] for line in self.problems.text().splitlines() if line.startswith("✗")]

    def save(self) -> None:
        definition, problems = self.editor.definition()
        if problems:
            self._validated(self._asked, None, problems)
            return
        description = self.description.text()
        current = self.current
        if current is not None:
            guid = current.guid
            self.call(
                lambda client: client.update_pipeline(guid, definition, description),
                self._saved,
            )
            return
        name = self.name.text().strip()
        if not name:
            self.notice.say("Name the new pipeline before saving it.")
            self.name.setFocus()
            return
        self.call(lambda client: client.create_pipeline(name, definition, description), self._saved)

    def _saved(self, pipeline: PipelineDetail) -> None:
        self.show_pipeline(pipeline)
        state = "valid and active" if pipeline.is_valid else "invalid: inactive until fixed"
        self.tell(f"Saved {pipeline.name} as version {pipeline.current_version} ({state})")
        self.refresh(select=pipeline.guid)

    # -- preview, import, export --------------------------------------------------------------

    def preview(self) -> None:
        current, base = self.current, self.sample.text().strip()
        if current is None:
            self.preview_out.setPlainText("Save the pipeline first: the preview is the server's.")
            return
        if not base:
            return
        guid = current.guid
        self.call(
            lambda client: client.preview_pipeline(guid, base),
            lambda found: self.preview_out.setPlainText(preview_text(found)),
            lambda error: self.preview_out.setPlainText(str(error)),
        )

    def _pick_import(self) -> None:
        dialog = QFileDialog(self, "Import a pipeline", "", "Pipelines (*.yaml *.yml *.json)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda chosen: self.import_file(Path(chosen)))
        dialog.open()

    def import_file(self, path: Path) -> None:
        """A new pipeline from the JSON or YAML file at `path`."""
        self.call(lambda client: client.import_pipeline(read_document(path)), self._saved)

    def _pick_export(self) -> None:
        if self.current is None:
            return
        dialog = QFileDialog(self, "Export the pipeline", f"{self.current.name}.yaml")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(["YAML (*.yaml *.yml)", "JSON (*.json)"])
        dialog.fileSelected.connect(lambda chosen: self.export_to(Path(chosen)))
        dialog.open()

    def export_to(self, path: Path) -> None:
        """The saved pipeline into `path`, as YAML or JSON after its extension."""
        if self.current is None:
            return
        guid = self.current.guid
        kind = "json" if path.suffix.lower() == ".json" else "yaml"

        def export(client: UserApiClient) -> Path:
            return _write(path, client.export_pipeline(guid, kind))

        self.call(export, lambda written: self.tell(f"Exported to {written}"))
