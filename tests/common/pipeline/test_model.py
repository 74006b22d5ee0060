"""Loading pipelines: shapes, formats, names, and errors that list every problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from shuttersense.common.errors import (
    PipelineError,
    PipelineInvalidError,
    PipelineTooLargeError,
)
from shuttersense.common.pipeline import load_pipeline, pipeline_from_data
from tests.common.pipeline.builders import capture, data, file, process, term


def _sample() -> dict:
    return data(
        [capture(), file("raw", ".CR3"), term("end")],
        "capture>raw>end",
        name="Sample",
        guid="pip_01",
        version=3,
    )


def test_json_and_yaml_files_give_the_same_pipeline(tmp_path: Path) -> None:
    as_json = tmp_path / "p.json"
    as_yaml = tmp_path / "p.yaml"
    as_json.write_text(json.dumps(_sample()), encoding="utf-8")
    as_yaml.write_text(yaml.safe_dump(_sample()), encoding="utf-8")
    first, second = load_pipeline(as_json), load_pipeline(as_yaml)
    assert first == second
    assert (first.name, first.guid, first.version) == ("Sample", "pip_01", 3)
    assert list(first.nodes) == ["capture", "raw", "end"]
    assert first.edges == [("capture", "raw"), ("raw", "end")]
    assert first.outputs == {"capture": ["raw"], "raw": ["end"], "end": []}


def test_source_target_edges_and_nested_pipeline_key() -> None:
    raw = _sample()
    raw["edges"] = [{"source": "capture", "target": "raw"}, {"source": "raw", "target": "end"}]
    nested = {"pipeline": {k: v for k, v in raw.items() if k != "version"}, "version": "7"}
    pipeline = pipeline_from_data(nested)
    assert pipeline.edges == [("capture", "raw"), ("raw", "end")]
    assert pipeline.version == 7
    assert pipeline.name == "Sample"


def test_types_are_case_insensitive_and_names_fall_back() -> None:
    nodes = [
        {**capture(), "type": "Capture"},
        {"id": "raw", "type": "FILE", "name": "Raw file", "properties": {"extension": ".CR3"}},
        {"id": "end", "type": " Termination ", "properties": {"name": "Vault"}},
        {"id": "dxo", "type": "process"},
    ]
    pipeline = pipeline_from_data({"nodes": nodes, "edges": []})
    assert [n.type for n in pipeline.nodes.values()] == [
        "capture",
        "file",
        "termination",
        "process",
    ]
    assert [n.name for n in pipeline.nodes.values()] == ["capture", "Raw file", "Vault", "dxo"]
    assert pipeline.nodes["dxo"].properties == {}
    assert pipeline.name == "Unnamed pipeline"


def test_unknown_types_are_skipped_with_a_warning_and_their_edges_dropped() -> None:
    nodes = [capture(), {"id": "note", "type": "comment"}, file("raw", ".CR3"), term("end")]
    pipeline = pipeline_from_data(data(nodes, "capture>note>raw, capture>raw>end, raw>end"))
    assert "note" not in pipeline.nodes
    assert pipeline.edges == [("capture", "raw"), ("raw", "end")]
    joined = " ".join(pipeline.warnings)
    assert "'note'" in joined and "comment" in joined
    assert "capture -> note" in joined and "note -> raw" in joined
    assert "repeats" in joined  # raw>end was given twice


def test_edges_to_missing_nodes_are_kept_for_validation_but_not_followed() -> None:
    pipeline = pipeline_from_data(data([capture(), file("raw", ".CR3")], "capture>raw>ghost"))
    assert ("raw", "ghost") in pipeline.edges
    assert pipeline.outputs["raw"] == []


def test_every_malformed_shape_is_listed_at_once() -> None:
    broken = {
        "nodes": [
            capture(),
            {"type": "file"},
            {"id": "capture", "type": "file"},
            {"id": "x", "properties": {}},
            {"id": "y", "type": "file", "properties": ["extension"]},
            "not a node",
        ],
        "edges": [{"from": "capture"}, {"to": "x"}, 5],
        "version": "one",
    }
    with pytest.raises(PipelineInvalidError) as caught:
        pipeline_from_data(broken)
    errors = caught.value.errors
    assert errors == [
        "node #2 has no id",
        "node 'capture' is defined more than once",
        "node 'x' has no type",
        "node 'y': 'properties' must be a mapping",
        "node #6 must be a mapping with id, type and properties",
        "edge #1 needs both endpoints (from/to or source/target)",
        "edge #2 needs both endpoints (from/to or source/target)",
        "edge #3 must be a mapping with from/to (or source/target)",
        "version must be a whole number, got 'one'",
    ]


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ([1, 2], "must be a mapping"),
        ({"edges": []}, "no 'nodes' list"),
        ({"nodes": {"a": 1}}, "'nodes' must be a list"),
        ({"nodes": [], "edges": {"a": "b"}}, "'edges' must be a list"),
    ],
)
def test_wrong_top_level_shapes(document: object, fragment: str) -> None:
    with pytest.raises(PipelineInvalidError, match=fragment):
        pipeline_from_data(document)


def test_to_data_round_trips() -> None:
    pipeline = pipeline_from_data(_sample())
    again = pipeline_from_data(json.loads(json.dumps(pipeline.to_data())))
    assert again == pipeline


def test_flags_accept_the_usual_spellings() -> None:
    nodes = [
        file(str(i), ".CR3", optional=value)
        for i, value in enumerate([True, "true", "Yes", 1, False, "false", "no", 0, None])
    ]
    pipeline = pipeline_from_data({"nodes": nodes})
    assert [n.flag("optional") for n in pipeline.nodes.values()] == [True] * 4 + [False] * 5


def test_unreadable_file_is_a_pipeline_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "none.yaml"
    with pytest.raises(PipelineError, match=r"none\.yaml: file not found") as caught:
        load_pipeline(missing)
    assert caught.value.path == str(missing)
    bad = tmp_path / "bad.yaml"
    bad.write_text("nodes: [\n", encoding="utf-8")
    with pytest.raises(PipelineError, match=r"bad\.yaml"):
        load_pipeline(bad)


def test_invalid_structure_names_the_file_and_lists_every_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    broken = data([capture(filename_regex="("), file("raw", ".CR3")], "capture>raw>ghost")
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(PipelineInvalidError) as caught:
        load_pipeline(path)
    message = str(caught.value)
    assert "broken.json" in message
    assert "does not compile" in message and "ghost" in message and "Termination" in message
    assert len(caught.value.errors) == 3
    assert caught.value.path == str(path)


def test_shape_errors_from_a_file_name_it(tmp_path: Path) -> None:
    path = tmp_path / "shape.yaml"
    path.write_text("nodes: [{type: file}]\n", encoding="utf-8")
    with pytest.raises(PipelineInvalidError, match=r"shape\.yaml.*node #1 has no id"):
        load_pipeline(path)


def test_pipeline_over_the_cap_states_its_path_count(tmp_path: Path) -> None:
    stages = [process(f"p{i}", "A", "B") for i in range(14)]
    chain = ">".join(["capture", *(f"p{i}" for i in range(14)), "raw", "end"])
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(data([capture(), *stages, file("raw", ".CR3"), term("end")], chain)))
    with pytest.raises(PipelineTooLargeError) as caught:
        load_pipeline(path)
    assert caught.value.path_count == 2**14
    assert caught.value.cap == 10_000
    assert "16,384 paths" in str(caught.value) and "huge.json" in str(caught.value)
    assert load_pipeline(path, path_cap=2**14).name == "test"
