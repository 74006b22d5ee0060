"""Pipeline-derived tool configuration (analysis spec 5)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shuttersense.common.errors import PipelineError
from shuttersense.common.pipeline import derive_tool_config, pipeline_from_data
from tests.common.pipeline.builders import build, capture, data, file, process, term


def _sample() -> dict[str, Any]:
    nodes = [
        capture(camera_id_group="2", filename_regex="([0-9]{4})([A-Z]{4})"),
        file("raw", ".CR3"),
        file("xmp", ".XMP"),
        file("heif", "heif"),
        process("dev", "Topaz", "DxO"),
        process("hdr", "HDR", ""),
        file("tif", ".TIF"),
        file("tif_xmp", ".xmp", optional=True),
        term("end"),
    ]
    spec = "capture>raw>end, capture>xmp>end, capture>heif>dev>tif>end, dev>tif_xmp>end, raw>hdr"
    return data(nodes, spec)


def test_everything_is_derived() -> None:
    config = derive_tool_config(pipeline_from_data(_sample()))
    assert config.filename_regex == "([0-9]{4})([A-Z]{4})"
    assert config.camera_id_group == 2
    assert config.photo_extensions == (".cr3", ".heif", ".tif")
    assert config.metadata_extensions == (".xmp",)
    # raw and heif sit beside a non-optional xmp under capture; tif's sidecar is optional.
    assert config.require_sidecar == (".cr3", ".heif")
    assert config.processing_suffixes == {"DxO": "dev", "HDR": "hdr", "Topaz": "dev"}
    assert list(config.processing_suffixes) == ["DxO", "HDR", "Topaz"]


def test_sidecar_chained_after_an_image_creates_no_requirement() -> None:
    nodes = [capture(), file("raw", ".CR3"), file("xmp", ".xmp"), term("end")]
    config = derive_tool_config(build(nodes, "capture>raw>xmp>end"))
    assert config.require_sidecar == ()


def test_process_parent_creates_requirements() -> None:
    nodes = [capture(), process("dxo", "DxO"), file("dng", ".DNG"), file("xmp", ".xmp")]
    config = derive_tool_config(build([*nodes, term("end")], "capture>dxo>dng>end, dxo>xmp>end"))
    assert config.require_sidecar == (".dng",)


@pytest.mark.parametrize(("value", "expected"), [("2", 2), (2, 2), ("x", 1), (3, 1), (None, 1)])
def test_camera_id_group_defaults_to_1(value: object, expected: int) -> None:
    nodes = [capture(camera_id_group=value), file("raw", ".CR3"), term("end")]
    assert derive_tool_config(build(nodes, "capture>raw>end")).camera_id_group == expected


@pytest.mark.parametrize(
    ("nodes", "fragment"),
    [
        ([file("raw", ".CR3"), term("end")], "no Capture node"),
        ([capture(filename_regex=""), file("raw", ".CR3")], "'capture' has no filename_regex"),
        ([capture(), term("end")], "no File node"),
        ([capture(), file("raw", " ")], "no File node with an extension"),
    ],
)
def test_extraction_errors(nodes: list[dict[str, Any]], fragment: str) -> None:
    with pytest.raises(PipelineError, match=fragment):
        derive_tool_config(build(nodes, ""))


def test_first_capture_wins_and_optional_files_still_count() -> None:
    nodes = [capture("c1"), capture("c2", filename_regex="(x)(y)"), file("jpg", ".JPG", optional=1)]
    config = derive_tool_config(build(nodes, ""))
    assert config.filename_regex == "([A-Z0-9]{4})([0-9]{4})"
    assert config.photo_extensions == (".jpg",)


def test_hash_fields_are_plain_deterministic_data() -> None:
    first = derive_tool_config(pipeline_from_data(_sample()))
    second = derive_tool_config(pipeline_from_data(_sample()))
    assert first == second
    fields = first.hash_fields()
    assert json.loads(json.dumps(fields)) == fields
    assert fields["photo_extensions"] == [".cr3", ".heif", ".tif"]
    assert set(fields) == {
        "filename_regex",
        "camera_id_group",
        "photo_extensions",
        "metadata_extensions",
        "require_sidecar",
        "processing_suffixes",
    }
    with pytest.raises(AttributeError):
        first.filename_regex = "changed"  # type: ignore[misc]
