"""The selected collection: each tool's last result with its KPIs, a button for the
collection's HTML report, trend charts, and what to fix (a table model, however many names)."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from shuttersense.common.results import ToolName

from ..api.collections_data import ANALYSED, CollectionDetail, ToolLatest
from ..api.findings import Finding
from ..api.overview import TOOL_LABELS
from ..models.collection_models import findings_model
from ..models.overview_models import when
from ..models.table import Ordered
from ..settings import AppSettings
from .panels import TablePane, heading
from .remembered import remember_header
from .trend_chart import TrendChart

__all__ = ["CollectionDetailPane", "PreparedDetail", "ToolBox"]

_NOTES = ("Failed", "Last run failed", "Result")  # sentences, not figures


class PreparedDetail(NamedTuple):
    detail: CollectionDetail
    findings: Ordered[Finding]


class ToolBox(QGroupBox):
    """One tool's last result: its KPIs (names and values side by side, two labels whose text
    changes: nothing is made or removed per result) and a note."""

    def __init__(self, tool: str) -> None:
        super().__init__(TOOL_LABELS[tool])
        self.tool = tool
        self.result_guid: str | None = None
        self.names = QLabel()
        self.values = QLabel()
        self.note = QLabel()
        self.note.setWordWrap(True)
        for label in (self.names, self.values, self.note):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.values.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        figures = QHBoxLayout()
        figures.addWidget(self.names)
        figures.addWidget(self.values, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(figures)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.show_latest(None)

    def show_latest(self, latest: ToolLatest | None) -> None:
        self.result_guid = None if latest is None else latest.result.guid
        if latest is None:
            shown: list[tuple[str, str]] = []
            notes = ["Not run yet"]
        else:
            figures = [("When", when(latest.result.created_at)), *latest.kpis]
            shown = [(k, v) for k, v in figures if k not in _NOTES]
            notes = [f"{k}: {v}" for k, v in figures if k in _NOTES]
        self.names.setText("\n".join(f"{name}:" for name, _ in shown))
        self.values.setText("\n".join(value for _, value in shown))
        self.note.setText("\n".join(notes))
        self.note.setVisible(bool(notes))
        self.setAccessibleDescription("; ".join([*(f"{k}: {v}" for k, v in shown), *notes]))

    def kpi(self, label: str) -> str | None:
        """The value shown for `label`, if any."""
        names = self.names.text().splitlines()
        values = self.values.text().splitlines()
        return dict(zip(names, values, strict=False)).get(f"{label}:")


class CollectionDetailPane(QWidget):
    report_requested = Signal()  # the shown collection's report

    def __init__(self, settings: AppSettings) -> None:
        super().__init__()
        self._name = ""
        self.title = heading("Select a collection", scale=1.1)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.report = QPushButton("Open the &report")
        self.report.setToolTip(
            "The collection's report (the last result of each tool), in your web browser"
        )
        self.report.clicked.connect(self.report_requested)
        self.boxes = {tool.value: ToolBox(tool.value) for tool in ToolName}
        boxes = QHBoxLayout()
        for box in self.boxes.values():
            boxes.addWidget(box, 1)
        self.charts = [
            TrendChart("Orphaned files"),
            TrendChart("Invalid names"),
            TrendChart("Consistent images", "%"),
        ]
        charts = QHBoxLayout()
        for chart in self.charts:
            charts.addWidget(chart, 1)
        figures = QWidget()
        results_layout = QVBoxLayout(figures)
        results_layout.addLayout(boxes)
        results_layout.addLayout(charts, 1)
        results = QScrollArea()  # a short window scrolls instead of squeezing the figures
        results.setWidget(figures)
        results.setWidgetResizable(True)
        results.setFrameShape(QFrame.Shape.NoFrame)

        self.findings: Ordered[Finding] = Ordered([], None)
        self.findings_model = findings_model()
        self.tool_filter = QComboBox()
        self.tool_filter.setAccessibleName("Show the findings of")
        self.tool_filter.addItem("All tools", None)
        for tool in ToolName:
            self.tool_filter.addItem(TOOL_LABELS[tool], tool.value)
        self.tool_filter.currentIndexChanged.connect(lambda _: self._filter())
        self.total = QLabel()
        self.what_to_fix = TablePane(
            "", self.findings_model, "Nothing to fix in the last results.", stretch_column=1
        )
        table = self.what_to_fix.table
        table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # ranked
        table.setSortingEnabled(True)
        table.setAccessibleName("What to fix")
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # not measured per row
        header.setStretchLastSection(False)
        for column, width in enumerate((130, 360, 220, 260, 80)):
            header.resizeSection(column, width)
        rows = table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(table.fontMetrics().height() + 8)
        remember_header(settings, "collections/findings", header)
        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel("Show:"))
        filter_row.addWidget(self.tool_filter)
        filter_row.addStretch(1)
        filter_row.addWidget(self.total)
        fix = QWidget()
        fix_layout = QVBoxLayout(fix)
        fix_layout.addLayout(filter_row)
        fix_layout.addWidget(self.what_to_fix, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(results, "&Latest results and trends")
        self.tabs.addTab(fix, "&What to fix")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title_row = QHBoxLayout()
        title_row.addWidget(self.title, 1)
        title_row.addWidget(self.report)
        layout.addLayout(title_row)
        layout.addWidget(self.tabs, 1)
        self.report.setEnabled(False)

    def loading(self, name: str) -> None:
        self.title.setText(f"{name} — loading…")
        self._name = name
        self.report.setEnabled(False)

    def prepare(self, detail: CollectionDetail) -> PreparedDetail:
        """Off the UI thread: the findings in the table's order (a 1M-file result has 100,000
        rows or more, a tenth of a second to sort)."""
        return PreparedDetail(detail, self.findings_model.ordered(detail.findings))

    def show_detail(self, prepared: PreparedDetail) -> None:
        detail = prepared.detail
        self.title.setText(self._name)
        latest = {shown.tool: shown for shown in detail.latest}
        for tool, box in self.boxes.items():
            box.show_latest(latest.get(tool))
        self.report.setEnabled(any(shown.result.status in ANALYSED for shown in detail.latest))
        for chart, line in zip(self.charts, detail.trends, strict=True):
            chart.set_points(line.points)
        self.findings = prepared.findings
        self._filter()

    def _filter(self) -> None:
        tool = self.tool_filter.currentData()
        shown = self.findings if tool is None else self.findings.only(lambda f: f.tool == tool)
        self.findings_model.set_rows(shown)
        total = sum(f.count for f in shown.rows)
        self.total.setText(f"{total:,} files or images in {len(shown.rows):,} rows")
