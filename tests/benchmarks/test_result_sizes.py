"""benchmarks.result_sizes: raw, gzipped and stored bytes of a document's results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.result_sizes import main, sizes
from shuttersense.coordinator.models.packed_json import PACK_ABOVE


def test_a_small_result_is_stored_as_is_and_a_large_one_packed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    large = {"by_folder": {f"folder-{n:06d}": [f"AB3D{n:04d}.CR3"] for n in range(30000)}}
    document = {"results": {"photostats": {"total_files": 3}, "photo_pairing": large}}
    measured = sizes(document)
    raw, packed, stored = measured["photostats"]
    assert raw == stored == len(b'{"total_files":3}')
    raw, packed, stored = measured["photo_pairing"]
    assert raw > PACK_ABOVE and packed < raw / 4
    assert packed < stored < packed * 1.4  # base64 of the gzip, in a one-key object
    assert measured["document"][0] > raw
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert main([str(path)]) == 0
    assert f"| doc | photo_pairing | {raw:,} |" in capsys.readouterr().out
