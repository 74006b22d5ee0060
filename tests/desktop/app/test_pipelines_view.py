"""The Pipelines view against a real coordinator (both databases): edit a pipeline into an
error and see the server's message, fix it and save a new version, preview the expected files,
import a YAML file, export as YAML and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from pytestqt.qtbot import QtBot

from shuttersense.common.demo import DEMO_PIPELINE
from shuttersense.desktop.app.views.pipelines_view import PipelinesView
from tests.desktop.app.app_factory import SignedInView

WAIT = 30_000


def test_edit_with_an_error_fix_save_and_preview(
    qtbot: QtBot, signed_in_view: SignedInView
) -> None:
    _, view = signed_in_view("pipelines", PipelinesView, lambda v: v.model.rowCount() == 1)
    view.list.table.selectRow(0)
    qtbot.waitUntil(lambda: view.current is not None, timeout=WAIT)
    assert view.name.text() == "Demo RAW workflow"
    assert view.editor.nodes.rowCount() == 11 and view.editor.edges.rowCount() == 12
    assert len(view.graph.boxes()) == 11
    boxes = view.graph.boxes()
    assert boxes["capture"].left() < boxes["raw"].left() < boxes["develop"].left()

    edge_to = view.editor.edges.item(0, 1)
    assert (view.editor.edges.item(0, 0).text(), edge_to.text()) == ("capture", "raw")
    edge_to.setText("nowhere")  # as typed into the form
    qtbot.waitUntil(lambda: bool(view.errors_shown()), timeout=WAIT)
    assert "edge capture -> nowhere: 'nowhere' is not a node" in view.errors_shown()
    edge_to.setText("raw")
    qtbot.waitUntil(lambda: view.problems.text().startswith("✓ Valid"), timeout=WAIT)
    assert view.errors_shown() == []

    view.editor.nodes.item(1, 3).setText("{extension: .CR2}")  # RAW files of an older camera
    view.save()
    qtbot.waitUntil(
        lambda: view.current is not None and view.current.current_version == 2, timeout=WAIT
    )
    assert view.current.is_valid
    raw = next(n for n in view.current.definition["nodes"] if n["id"] == "raw")
    assert raw["properties"] == {"name": "RAW file", "extension": ".CR2"}

    view.sample.setText("AB3D0042")
    view.preview()
    qtbot.waitUntil(lambda: "AB3D0042.CR2" in view.preview_out.toPlainText(), timeout=WAIT)
    assert "Black Box Archive" in view.preview_out.toPlainText()

    view.editor.nodes.item(1, 3).setText("{extension: [unclosed")
    view.validate()
    qtbot.waitUntil(lambda: bool(view.errors_shown()), timeout=WAIT)
    assert view.errors_shown()[0].startswith("node raw: its other properties are not readable")


def test_import_a_yaml_file_and_export(
    qtbot: QtBot, tmp_path: Path, signed_in_view: SignedInView
) -> None:
    _, view = signed_in_view("pipelines", PipelinesView, lambda v: v.model.rowCount() == 1)
    document = tmp_path / "wedding.yaml"
    document.write_text(DEMO_PIPELINE.replace("Demo RAW workflow", "Wedding workflow"))
    view.import_file(document)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=WAIT)
    qtbot.waitUntil(
        lambda: view.current is not None and view.current.name == "Wedding workflow", timeout=WAIT
    )
    assert view.editor.nodes.rowCount() == 11
    selected = view.model.row(view.list.table.currentIndex().row())
    assert selected.name == "Wedding workflow"

    as_yaml, as_json = tmp_path / "out.yaml", tmp_path / "out.json"
    view.export_to(as_yaml)
    qtbot.waitUntil(as_yaml.exists, timeout=WAIT)
    view.export_to(as_json)
    qtbot.waitUntil(as_json.exists, timeout=WAIT)
    exported = yaml.safe_load(as_yaml.read_text())
    assert exported["name"] == "Wedding workflow"
    assert [n["id"] for n in exported["nodes"]][:3] == ["capture", "raw", "sidecar"]
    assert json.loads(as_json.read_text())["nodes"] == exported["nodes"]

    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a pipeline")
    view.import_file(tmp_path / "photo.jpg")
    qtbot.waitUntil(view.notice.isVisible, timeout=WAIT)
    assert view.notice.text.text() == f"{tmp_path / 'photo.jpg'} is not a text file (JSON or YAML)"
    assert view.model.rowCount() == 2  # nothing was made of it
