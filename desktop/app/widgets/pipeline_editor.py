"""A pipeline's nodes and edges as a form: a table of nodes (id, type, name, other properties
as a short YAML mapping such as `{extension: .CR3}`) and a table of edges (from, to). It gives
back the definition, with what it could not read as errors; the server validates the rest."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shuttersense.common.pipeline import NODE_TYPES

from .panels import heading

__all__ = ["PipelineEditor"]

_NODE_COLUMNS = ("ID", "Type", "Name", "Other properties")
_EDGE_COLUMNS = ("From", "To")
_READING_ORDER = ("capture", "file", "process", "pairing", "branching", "termination")
_TYPES = [t for t in _READING_ORDER if t in NODE_TYPES] + sorted(NODE_TYPES - {*_READING_ORDER})


class _TypeDelegate(QStyledItemDelegate):
    """A node's type is chosen from the list, not typed."""

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        editor = QComboBox(parent)
        editor.addItems(_TYPES)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentText(str(index.data() or "file"))

    def setModelData(
        self, editor: QWidget, model: Any, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText())


def _table(columns: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
    table.setWordWrap(False)
    return table


def _flow(properties: Mapping[str, Any]) -> str:
    if not properties:
        return ""
    text = yaml.safe_dump(dict(properties), default_flow_style=True, sort_keys=False, width=10**6)
    return text.strip()


class PipelineEditor(QWidget):
    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._extra: dict[str, Any] = {}  # keys of the definition the form does not show
        self._filling = False
        self.nodes = _table(_NODE_COLUMNS)
        self.nodes.setAccessibleName("Nodes")
        self.nodes.setItemDelegateForColumn(1, _TypeDelegate(self.nodes))
        self.edges = _table(_EDGE_COLUMNS)
        self.edges.setAccessibleName("Edges")
        # two short ids side by side: both columns share the width, no sideways scrolling
        self.edges.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.edges.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for table in (self.nodes, self.edges):
            table.itemChanged.connect(self._edited)
        add_node = QPushButton("Add &node")
        add_node.clicked.connect(lambda: self.add_node("", "file", ""))
        remove_node = QPushButton("Rem&ove node")
        remove_node.clicked.connect(lambda: self._remove(self.nodes))
        add_edge = QPushButton("Add &edge")
        add_edge.clicked.connect(lambda: self.add_edge("", ""))
        remove_edge = QPushButton("Remove ed&ge")
        remove_edge.clicked.connect(lambda: self._remove(self.edges))
        node_buttons = QHBoxLayout()
        node_buttons.addWidget(add_node)
        node_buttons.addWidget(remove_node)
        node_buttons.addStretch(1)
        edge_buttons = QHBoxLayout()
        edge_buttons.addWidget(add_edge)
        edge_buttons.addWidget(remove_edge)
        edge_buttons.addStretch(1)
        nodes = QVBoxLayout()
        nodes.addWidget(heading("Nodes", scale=1.0))
        nodes.addWidget(self.nodes, 1)
        nodes.addLayout(node_buttons)
        edges = QVBoxLayout()
        edges.addWidget(heading("Edges", scale=1.0))
        edges.addWidget(self.edges, 1)
        edges.addLayout(edge_buttons)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(nodes, 3)
        layout.addLayout(edges, 1)

    def set_definition(self, definition: Mapping[str, Any]) -> None:
        self._filling = True
        try:
            self._extra = {k: v for k, v in definition.items() if k not in ("nodes", "edges")}
            self.nodes.setRowCount(0)
            self.edges.setRowCount(0)
            for node in definition.get("nodes") or []:
                if isinstance(node, dict):
                    properties = dict(node.get("properties") or {})
                    name = str(properties.pop("name", node.get("name", "")))
                    self.add_node(str(node.get("id", "")), str(node.get("type", "")), name)
                    self.nodes.item(self.nodes.rowCount() - 1, 3).setText(_flow(properties))
            for edge in definition.get("edges") or []:
                if isinstance(edge, dict):
                    self.add_edge(str(edge.get("from", "")), str(edge.get("to", "")))
            for column, width in enumerate((90, 90, 140)):
                self.nodes.setColumnWidth(column, width)
        finally:
            self._filling = False
        self.changed.emit()

    def add_node(self, node_id: str, kind: str, name: str) -> None:
        self._add_row(self.nodes, [node_id, kind, name, ""])

    def add_edge(self, start: str, end: str) -> None:
        self._add_row(self.edges, [start, end])

    def _add_row(self, table: QTableWidget, cells: list[str]) -> None:
        filling, self._filling = self._filling, True
        row = table.rowCount()
        table.insertRow(row)
        for column, text in enumerate(cells):
            table.setItem(row, column, QTableWidgetItem(text))
        self._filling = filling
        if not filling:
            table.setCurrentCell(row, 0)
            self.changed.emit()

    def _remove(self, table: QTableWidget) -> None:
        rows = sorted({index.row() for index in table.selectedIndexes()}, reverse=True)
        for row in rows:
            table.removeRow(row)
        if rows:
            self.changed.emit()

    def _edited(self, _: QTableWidgetItem) -> None:
        if not self._filling:
            self.changed.emit()

    def definition(self) -> tuple[dict[str, Any], list[str]]:
        """The definition the form holds, and what in it could not be read."""
        problems: list[str] = []
        nodes: list[dict[str, Any]] = []
        for row in range(self.nodes.rowCount()):
            node_id, kind, name, extra = (self._text(self.nodes, row, c) for c in range(4))
            where = f"node {node_id or f'in row {row + 1}'}"
            try:
                properties = yaml.safe_load(extra) if extra else {}
            except yaml.YAMLError as exc:
                problems.append(f"{where}: its other properties are not readable ({exc})")
                continue
            if not isinstance(properties, dict):
                problems.append(
                    f"{where}: write its other properties as {{key: value, …}}, "
                    "for example {extension: .CR3}"
                )
                continue
            nodes.append(
                {"id": node_id, "type": kind, "properties": {"name": name, **properties}}
                if name
                else {"id": node_id, "type": kind, "properties": properties}
            )
        edges = [
            {"from": self._text(self.edges, row, 0), "to": self._text(self.edges, row, 1)}
            for row in range(self.edges.rowCount())
        ]
        return {**self._extra, "nodes": nodes, "edges": edges}, problems

    @staticmethod
    def _text(table: QTableWidget, row: int, column: int) -> str:
        item = table.item(row, column)
        return item.text().strip() if item is not None else ""
