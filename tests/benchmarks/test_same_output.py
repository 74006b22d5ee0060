"""benchmarks.same_output: a recorded document is found the same, or different where it differs."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.collection import generate
from benchmarks.same_output import first_difference, main, normalised


def test_only_timings_and_the_date_are_blanked() -> None:
    one = b'{"generated_at":"2026-12-02T04:47:41+00:00","scan_time":1.234,"total":5,'
    two = b'{"generated_at":"2026-12-03T01:00:00+00:00","scan_time":9.9,"total":5,'
    one += b'"x":{"scan_time":0.5}}'
    two += b'"x":{"scan_time":1e-05}}'
    assert normalised(one) == normalised(two)
    assert b'"total":5' in normalised(one)
    assert normalised(one.replace(b'"total":5', b'"total":6')) != normalised(two)


def test_first_difference_says_where() -> None:
    assert first_difference(b"abcdef", b"abcdef") is None
    assert first_difference(b"abcdef", b"abcXef").startswith("byte 3 (sizes 6 and 6)")
    assert first_difference(b"abc", b"abcdef").startswith("byte 3 (sizes 3 and 6)")


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("trees")
    generate(base / "selective", 1500, progress=None, profile="selective")
    return base


def test_a_recorded_run_checks_the_same_and_a_changed_record_does_not(
    trees: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded = tmp_path / "recorded"
    assert main(["check", str(trees), str(recorded)]) == 2
    assert "nothing recorded" in capsys.readouterr().out
    assert main(["save", str(trees), str(recorded)]) == 0
    assert main(["check", str(trees), str(recorded)]) == 0
    assert "selective: same" in capsys.readouterr().out
    document = recorded / "selective.json"
    document.write_bytes(document.read_bytes().replace(b'"total_files":', b'"total_files":1', 1))
    assert main(["check", str(trees), str(recorded)]) == 1
    assert "selective: DIFFERS at byte" in capsys.readouterr().out
