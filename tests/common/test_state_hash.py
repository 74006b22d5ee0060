"""Input-state hash (analysis spec 7.1)."""

from __future__ import annotations

import hashlib
import json

from shuttersense.common.files import FileEntry
from shuttersense.common.state_hash import (
    HASH_VERSION,
    combined_hash,
    config_hash,
    file_list_hash,
    input_state_hash,
)

ENTRIES = [
    FileEntry("b/AB3D0002.CR3", 20, 1700000000.9),
    FileEntry("a/AB3D0001.CR3", 10, 1700000100.2),
    FileEntry("notes.txt", 3, 1600000000.0),
]


def test_file_hash_is_sha256_of_sorted_lines_with_whole_seconds() -> None:
    text = "a/AB3D0001.CR3|10|1700000100\nb/AB3D0002.CR3|20|1700000000\nnotes.txt|3|1600000000"
    assert file_list_hash(ENTRIES) == hashlib.sha256(text.encode()).hexdigest()


def test_file_hash_ignores_listing_order_but_not_content() -> None:
    assert file_list_hash(reversed(ENTRIES)) == file_list_hash(ENTRIES)
    touched = [*ENTRIES[:2], FileEntry("notes.txt", 4, 1600000000.0)]
    assert file_list_hash(touched) != file_list_hash(ENTRIES)
    renamed = [*ENTRIES[:2], FileEntry("Notes.txt", 3, 1600000000.0)]
    assert file_list_hash(renamed) != file_list_hash(ENTRIES)


def test_file_hash_is_the_same_across_batches() -> None:
    many = [FileEntry(f"f{i:06d}.cr3", i, float(i)) for i in range(20_000)]
    lines = "\n".join(f"f{i:06d}.cr3|{i}|{i}" for i in range(20_000))
    assert file_list_hash(many) == hashlib.sha256(lines.encode()).hexdigest()


def test_config_hash_covers_only_analysis_keys_plus_version() -> None:
    config = {"photo_extensions": [".cr3"], "require_sidecar": [".cr3"], "colour": "blue"}
    expected = json.dumps(
        {"_hash_version": HASH_VERSION, "photo_extensions": [".cr3"], "require_sidecar": [".cr3"]},
        sort_keys=True,
        separators=(",", ":"),
    )
    assert config_hash(config) == hashlib.sha256(expected.encode()).hexdigest()
    assert config_hash({**config, "colour": "red"}) == config_hash(config)


def test_config_list_order_matters() -> None:
    assert config_hash({"photo_extensions": [".cr3", ".dng"]}) != config_hash(
        {"photo_extensions": [".dng", ".cr3"]}
    )


def test_combined_hash_differs_per_tool() -> None:
    one = input_state_hash("photostats", ENTRIES, {})
    assert one == combined_hash("photostats", file_list_hash(ENTRIES), config_hash({}))
    assert one != input_state_hash("photo_pairing", ENTRIES, {})


def test_file_hash_truncates_mtimes_toward_zero_like_int() -> None:
    listed = [FileEntry("a.cr3", 1, -1.5), FileEntry("b.cr3", 2, 1e10 + 0.9)]
    text = f"a.cr3|1|{int(-1.5)}\nb.cr3|2|{int(1e10 + 0.9)}"
    assert file_list_hash(listed) == hashlib.sha256(text.encode()).hexdigest()
