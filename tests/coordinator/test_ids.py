"""GUIDs: prefix + 26 Crockford base32 characters of a UUIDv7."""

from __future__ import annotations

import time

import pytest

from shuttersense.coordinator.ids import PREFIXES, is_guid, new_guid, uuid7_bytes


def test_guid_shape_and_prefixes() -> None:
    for prefix in PREFIXES:
        guid = new_guid(prefix)
        assert is_guid(guid, prefix)
        assert len(guid) == len(prefix) + 1 + 26
        assert not set(guid[4:]) & set("ilou")
    with pytest.raises(ValueError, match="unknown GUID prefix"):
        new_guid("xyz")
    assert not is_guid(new_guid("job"), "res")


def test_uuid7_carries_version_variant_and_time() -> None:
    before = time.time_ns() // 1_000_000
    raw = uuid7_bytes()
    assert raw[6] >> 4 == 7
    assert raw[8] >> 6 == 0b10
    assert abs(int.from_bytes(raw[:6], "big") - before) < 1000


def test_guids_sort_by_creation_time() -> None:
    first = new_guid("job")
    time.sleep(0.002)
    assert new_guid("job") > first
    assert len({new_guid("res") for _ in range(1000)}) == 1000
