"""Structural validation (analysis spec 6.2): each rule, and all of them at once."""

from __future__ import annotations

from typing import Any

import pytest

from shuttersense.common.pipeline import structure_errors, structure_warnings
from tests.common.pipeline.builders import (
    branching,
    build,
    capture,
    file,
    pairing,
    process,
    sidecar_pipeline,
    term,
)


def _errors(nodes: list[dict[str, Any]], spec: str) -> list[str]:
    return structure_errors(build(nodes, spec))


def _with_capture(**props: Any) -> list[str]:
    return _errors([capture(**props), file("raw", ".CR3"), term("end")], "capture>raw>end")


def test_valid_pipelines_have_no_errors() -> None:
    assert structure_errors(sidecar_pipeline()) == []
    assert structure_errors(sidecar_pipeline(paired=False)) == []


def test_cycles_are_allowed() -> None:
    nodes = [capture(), file("raw", ".CR3"), process("edit", "HDR"), term("end")]
    assert _errors(nodes, "capture>raw>edit>raw>end") == []


@pytest.mark.parametrize("group", ["1", "2", 1, 2, " 2 "])
def test_camera_id_group_accepts_1_and_2(group: object) -> None:
    regex = "([0-9]{4})([A-Z]{4})" if str(group).strip() == "2" else "([A-Z]{4})([0-9]{4})"
    sample = "0001ABCD" if str(group).strip() == "2" else "ABCD0001"
    assert _with_capture(camera_id_group=group, filename_regex=regex, sample_filename=sample) == []


def test_missing_camera_id_group_means_1() -> None:
    nodes = [capture(), file("raw", ".CR3"), term("end")]
    del nodes[0]["properties"]["camera_id_group"]
    assert _errors(nodes, "capture>raw>end") == []


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"camera_id_group": "3"}, 'camera_id_group must be "1" or "2", got \'3\''),
        ({"camera_id_group": True}, "camera_id_group must be"),
        ({"sample_filename": ""}, "Capture node 'capture' has no sample_filename"),
        ({"filename_regex": None}, "Capture node 'capture' has no filename_regex"),
        ({"filename_regex": "(["}, "does not compile"),
        ({"filename_regex": "([A-Z]{4})"}, "exactly 2 capture groups, it has 1"),
        ({"filename_regex": "(A)(B)(C)"}, "exactly 2 capture groups, it has 3"),
        ({"sample_filename": "xx0001"}, "sample_filename 'xx0001' does not match"),
        (
            {"filename_regex": "([A-Z]{4})([a-z0-9]{4})", "sample_filename": "ABCDab12"},
            "the counter of sample_filename 'ABCDab12' is 'ab12', not digits",
        ),
    ],
)
def test_capture_rules(props: dict[str, Any], expected: str) -> None:
    errors = _with_capture(**props)
    assert len(errors) == 1
    assert expected in errors[0]
    assert "'capture'" in errors[0]


def test_counter_group_follows_camera_id_group() -> None:
    props = {"filename_regex": "([0-9]{4})([A-Z]{4})", "sample_filename": "0001ABCD"}
    assert _with_capture(**props, camera_id_group="2") == []
    assert "is 'ABCD', not digits" in _with_capture(**props, camera_id_group="1")[0]


def test_sample_with_extension_is_matched_on_its_stem() -> None:
    assert (
        _with_capture(filename_regex="([A-Z]{3})_([0-9]{4})$", sample_filename="IMG_0001.CR3") == []
    )


def test_capture_count() -> None:
    none = _errors([file("raw", ".CR3"), term("end")], "raw>end")
    assert none == ["the pipeline must have exactly one Capture node (found none)"]
    two = _errors(
        [capture("c1"), capture("c2"), file("raw", ".CR3"), term("end")], "c1>raw, c2>raw, raw>end"
    )
    assert two == ["the pipeline must have exactly one Capture node (found 2: 'c1', 'c2')"]


def test_file_rules() -> None:
    optional_only = [capture(), file("raw", ".CR3", optional=True), term("end")]
    assert _errors(optional_only, "capture>raw>end") == [
        "the pipeline needs at least one File node that is not optional"
    ]
    no_extension = [capture(), file("raw", ".CR3"), file("odd", " "), term("end")]
    assert _errors(no_extension, "capture>raw>end, capture>odd>end") == [
        "File node 'odd' has no extension"
    ]


def test_termination_and_edges() -> None:
    assert _errors([capture(), file("raw", ".CR3")], "capture>raw") == [
        "the pipeline has no Termination node"
    ]
    nodes = [capture(), file("raw", ".CR3"), file("lost", ".JPG"), term("end"), term("spare")]
    assert _errors(nodes, "capture>raw>end, raw>ghost") == [
        "edge raw -> ghost: 'ghost' is not a node",
        "File node 'lost' is not connected by any edge",
    ]


def test_unconnected_nodes_are_only_an_error_when_edges_exist() -> None:
    assert _errors([capture(), file("raw", ".CR3"), term("end")], "") == []


def test_pairing_needs_exactly_two_inputs() -> None:
    nodes = [capture(), file("raw", ".CR3"), file("xmp", ".xmp"), file("jpg", ".JPG")]
    nodes += [pairing("pair"), term("end")]
    three = _errors(nodes, "capture>raw>pair, capture>xmp>pair, capture>jpg>pair, pair>end")
    assert three == ["Pairing node 'pair' must have exactly 2 incoming edges, it has 3"]
    one = _errors(nodes, "capture>raw>pair, capture>xmp>end, capture>jpg>end, pair>end")
    assert one == ["Pairing node 'pair' must have exactly 2 incoming edges, it has 1"]


def test_bad_method_ids_are_reported() -> None:
    nodes = [capture(), {"id": "dxo", "type": "process", "properties": {"method_ids": {"a": 1}}}]
    nodes += [file("raw", ".CR3"), term("end")]
    assert _errors(nodes, "capture>dxo>raw>end") == [
        "Process node 'dxo': method_ids must be a list of names, got {'a': 1}"
    ]


def test_a_broken_pipeline_lists_every_error() -> None:
    nodes = [
        capture(filename_regex="(", camera_id_group="3", sample_filename=None),
        file("raw", ".CR3", optional=True),
        file("bare", "", optional="yes"),
        pairing("pair"),
        branching("lonely"),
    ]
    errors = _errors(nodes, "capture>raw>pair, raw>ghost, bare>pair")
    assert len(errors) == 8
    for fragment in (
        "camera_id_group",
        "no sample_filename",
        "does not compile",
        "File node 'bare' has no extension",
        "not optional",
        "no Termination",
        "'ghost' is not a node",
        "Branching node 'lonely' is not connected",
    ):
        assert any(fragment in error for error in errors), fragment


def test_warnings_name_dead_ends_and_unreachable_nodes() -> None:
    nodes = [capture(), file("raw", ".CR3"), file("jpg", ".JPG"), process("orphan", "X")]
    nodes += [term("end")]
    pipeline = build(nodes, "capture>raw>end, capture>jpg, orphan>raw")
    assert structure_errors(pipeline) == []
    assert structure_warnings(pipeline) == [
        "File node 'jpg' leads to no Termination: its paths are dropped",
        "Process node 'orphan' cannot be reached from the Capture node",
    ]
    assert structure_warnings(sidecar_pipeline()) == []
