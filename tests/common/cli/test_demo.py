"""`shuttersense demo`: a newcomer's first run."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from shuttersense.common.cli.main import main


def test_demo_builds_analyses_and_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "demo"
    assert main(["demo", str(target)]) == 0
    out = capsys.readouterr().out
    files = [p for p in (target / "collection").rglob("*") if p.is_file()]
    assert 150 <= len(files) <= 600
    assert str((target / "report.html").resolve()) in out
    assert "shuttersense analyze" in out

    doc = json.loads((target / "results.json").read_text(encoding="utf-8"))
    assert set(doc["results"]) == {"photostats", "photo_pairing", "pipeline_validation"}
    stats = doc["results"]["photostats"]
    assert stats["orphaned_sidecars"]["count"], "the demo has sidecars whose RAW is gone"
    assert [bad["path"] for bad in stats["invalid_xmp"]] == [
        "2025/01-studio-portraits/R6M20996.xmp"
    ]
    # darktable's full-name sidecar pairs with its RAW (D11)
    orphans = [stats["orphaned_images"]["by_folder"], stats["orphaned_sidecars"]["by_folder"]]
    assert not any("R6M20995" in n for names in orphans for f in names.values() for n in f)
    pairing = doc["results"]["photo_pairing"]
    assert {"Canon EOS R5", "Sony A7 IV", "Canon EOS R6 II"} <= set(pairing["camera_usage"])
    reasons = {
        name: group["reason"]
        for group in pairing["invalid_names"]
        for names in group["by_folder"].values()
        for name in names
    }
    assert set(reasons) == {
        "IMG_4821.jpg",
        "ab3d0993.CR3",
        "AB3D0997 copy.CR3",
        "R6M20994--HDR.DNG",
    }
    validation = doc["results"]["pipeline_validation"]
    counts = validation["overall_status"]
    assert counts["CONSISTENT"] > 0 and counts["PARTIAL"] > 0
    html = (target / "report.html").read_text(encoding="utf-8")
    assert "Demo RAW workflow" in html


def test_demo_is_deterministic_and_rerunnable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "demo"
    assert main(["demo", str(target), "--quiet"]) == 0
    first = json.loads((target / "results.json").read_text(encoding="utf-8"))
    assert main(["demo", str(target), "--quiet"]) == 0
    second = json.loads((target / "results.json").read_text(encoding="utf-8"))
    assert first["input_state_hash"] == second["input_state_hash"]


def test_demo_refuses_a_folder_it_did_not_make(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mine.txt").write_text("precious", encoding="utf-8")
    assert main(["demo", str(tmp_path)]) == 2
    assert "did not make" in capsys.readouterr().err
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "precious"


def _comparable(value: object) -> object:
    """A results document without what differs from run to run (times)."""
    if isinstance(value, dict):
        return {
            key: _comparable(item)
            for key, item in value.items()
            if key not in ("generated_at", "scan_time")
        }
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    return value


def test_the_printed_command_repeats_the_demo_analysis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "demo"
    assert main(["demo", str(target), "--quiet"]) == 0
    printed = capsys.readouterr().out.split("To analyse it yourself:\n", 1)[1]
    command = shlex.split(printed.strip())
    assert command[:2] == ["shuttersense", "analyze"]
    assert "--check-sidecars" in command
    work = tmp_path / "again"
    work.mkdir()
    subprocess.run(
        [sys.executable, "-m", "shuttersense.common.cli.main", *command[1:], "--quiet"],
        cwd=work,
        check=True,
        capture_output=True,
    )
    first = json.loads((target / "results.json").read_text(encoding="utf-8"))
    again = json.loads((work / "results.json").read_text(encoding="utf-8"))
    assert again["results"]["photostats"]["invalid_xmp"], "the sidecars were read again"
    assert _comparable(again) == _comparable(first)
    assert (work / "report.html").is_file()
