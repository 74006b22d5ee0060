"""Filename conventions: ShutterSense names by default, the camera makers' defaults on request."""

from __future__ import annotations

from pathlib import Path

import pytest

from shuttersense.common.analysis import run_analysis
from shuttersense.common.analysis_request import AnalysisRequest, input_state_hashes
from shuttersense.common.cli.main import main
from shuttersense.common.config import TeamConfig
from shuttersense.common.conventions import config_convention
from shuttersense.common.grammar import ParsedName
from shuttersense.common.listing import scan_collection
from shuttersense.common.results import PhotoPairingResult

CAMERA_NAMES = {
    "IMG_1234.JPG": ("IMG_", "1234", ""),
    "IMG_1234-2.CR3": ("IMG_", "1234", "2"),
    "_MG_0007.CR2": ("_MG_", "0007", ""),
    "DSC_0042.NEF": ("DSC_", "0042", ""),
    "_DSC0042.ARW": ("_DSC", "0042", ""),
    "DSC01234.ARW": ("DSC", "01234", ""),
    "DSCF1234.RAF": ("DSCF", "1234", ""),
    "IMGP0001.PEF": ("IMGP", "0001", ""),
    "P1010001.ORF": ("P101", "0001", ""),
    "DJI_0420.DNG": ("DJI_", "0420", ""),
}


@pytest.mark.parametrize("name", sorted(CAMERA_NAMES))
def test_camera_defaults_read_the_makers_names(name: str) -> None:
    parsed = config_convention("camera_defaults").grammar.parse(name)
    assert isinstance(parsed, ParsedName)
    assert (parsed.camera_id, parsed.counter, parsed.separate_id) == CAMERA_NAMES[name]


def test_shuttersense_names_are_the_default_and_reject_camera_names() -> None:
    convention = config_convention(TeamConfig().filename_convention)
    assert not isinstance(convention.grammar.parse("IMG_1234.JPG"), ParsedName)
    assert isinstance(convention.grammar.parse("AB3D0001.CR3"), ParsedName)
    assert "camera_defaults" in convention.description  # says how to change it


def _tree(root: Path) -> Path:
    for name in ("IMG_1234.CR3", "IMG_1234.JPG", "IMG_1235.CR3", "DSC_0042.NEF", "notes.txt"):
        (root / "shoot").mkdir(parents=True, exist_ok=True)
        (root / "shoot" / name).write_bytes(b"x")
    return root


def test_a_collection_never_renamed_gets_groups_with_the_preset(tmp_path: Path) -> None:
    root = _tree(tmp_path / "photos")
    default = run_analysis(AnalysisRequest(root)).results["photo_pairing"]
    preset = run_analysis(
        AnalysisRequest(root, config=TeamConfig(filename_convention="camera_defaults"))
    ).results["photo_pairing"]
    assert isinstance(default, PhotoPairingResult) and isinstance(preset, PhotoPairingResult)
    assert (default.group_count, default.invalid_file_count) == (0, 4)
    assert (preset.group_count, preset.image_count, preset.invalid_file_count) == (3, 3, 0)
    assert preset.camera_usage == {"DSC_": 1, "IMG_": 2}
    assert preset.filename_convention.startswith("camera makers' default names")


def test_the_convention_is_part_of_the_input_state(tmp_path: Path) -> None:
    root = _tree(tmp_path / "photos")
    listing = scan_collection(root)
    plain = input_state_hashes(AnalysisRequest(root), listing)
    preset = input_state_hashes(
        AnalysisRequest(root, config=TeamConfig(filename_convention="camera_defaults")), listing
    )
    assert plain["photo_pairing"] != preset["photo_pairing"]


def test_the_summary_says_which_convention_applied_and_how_to_change_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _tree(tmp_path / "photos")
    assert main(["analyze", str(root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("File names read as ShutterSense names")
    assert "filename_convention" in lines[1] and "camera_defaults" in lines[1]
    config = tmp_path / "team.yaml"
    config.write_text("filename_convention: camera_defaults\n", encoding="utf-8")
    assert main(["analyze", str(root), "--config", str(config)]) == 0
    assert "read as camera makers' default names" in capsys.readouterr().out


def test_an_unknown_convention_is_refused_with_the_choices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "team.yaml"
    config.write_text("filename_convention: canon\n", encoding="utf-8")
    root = _tree(tmp_path / "photos")
    assert main(["analyze", str(root), "--config", str(config)]) == 2
    error = capsys.readouterr().err
    assert "filename_convention" in error and "camera_defaults" in error
